using System.Globalization;
using MudBlazor;
using Portal.Web.Features.Catalog;

namespace Portal.Web.Features.Incidents.Pages;

/// <summary>How the incident pages write times, statuses and refs.</summary>
public static class IncidentFormat
{
    public static string At(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    public static Color StatusColor(string status) => status switch
    {
        IncidentLifecycle.Triggered => Color.Error,
        IncidentLifecycle.Acknowledged => Color.Warning,
        IncidentLifecycle.Mitigated => Color.Info,
        _ => Color.Success,
    };

    public static Color SeverityColor(string severity) => severity == "page" ? Color.Error : Color.Warning;

    /// <summary>An entity's catalog page from its ref (<c>component:default/orders-api</c>), or null when the ref is not one.</summary>
    public static string? CatalogHref(string entityRef)
    {
        try
        {
            return EntityRef.Parse(entityRef, defaultKind: "component").PagePath;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>The name part of a ref: <c>orders-api</c> of <c>component:default/orders-api</c>.</summary>
    public static string NameOf(string entityRef) => entityRef[(entityRef.LastIndexOf('/') + 1)..];

    /// <summary>
    /// Markdown a person wrote (a comment, a postmortem) as safe HTML (<see cref="Portal.Web.Infrastructure.Web.SafeMarkdown"/>:
    /// raw HTML and script links dropped), its headings two levels down so they stay under the page's own.
    /// </summary>
    public static string Markdown(string markdown)
    {
        var html = Portal.Web.Infrastructure.Web.SafeMarkdown.ToHtml(markdown);
        for (var level = 6; level >= 1; level--)
        {
            var to = Math.Min(level + 2, 6);
            html = html.Replace($"<h{level}", $"<h{to}", StringComparison.Ordinal).Replace($"</h{level}>", $"</h{to}>", StringComparison.Ordinal);
        }
        return html;
    }
}
