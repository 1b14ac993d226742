using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Portal.Web.Infrastructure.OpenApi;

/// <summary>The document's title, description, servers and one described tag per feature.</summary>
public sealed class DocumentInfo : IOpenApiDocumentTransformer
{
    private static readonly Dictionary<string, string> Tags = new(StringComparer.Ordinal)
    {
        ["Catalog"] = "Software catalog entities, their relations, facets and the locations they are read from (Backstage-compatible paths included).",
        ["Environments"] = "Ephemeral environments: requests, approval, lifecycle and the environment policy.",
        ["Templates"] = "Software templates and scaffolder tasks that run them.",
        ["SLOs"] = "Service level objectives, their error budgets and alerts, and the OTLP metrics receiver that feeds them.",
        ["Cost"] = "Cloud cost imports (FOCUS), attribution rules, budgets, reports and anomalies.",
        ["Identity"] = "The caller, API tokens and (for admins) users.",
        ["Account"] = "Sign-in and session endpoints behind the portal's own forms (HTML form posts and redirects, not for API clients).",
        ["Audit"] = "The append-only audit log (admins).",
    };

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "Portal API";
        document.Info.Description = "The developer portal's HTTP API. Authenticate with a portal API token (`Authorization: Bearer ptk_…`); "
            + "each operation names the scopes it needs. Errors are RFC 9457 problem details. Cursor paging and filters are described once "
            + "under `components.parameters`. What may change without notice, and how breaking changes and deprecations are announced "
            + "(`Deprecation` and `Sunset` headers), is in the portal's docs/api.md.";
        // Linters (and some generators) join paths onto the server URL: no trailing slash.
        foreach (var server in document.Servers ?? [])
        {
            server.Url = server.Url?.TrimEnd('/') is { Length: > 0 } url ? url : "/";
        }
        var used = (document.Paths ?? []).Values.SelectMany(p => p.Operations ?? []).SelectMany(o => o.Value.Tags ?? new HashSet<OpenApiTagReference>())
            .Select(t => t.Name).OfType<string>().ToHashSet(StringComparer.Ordinal);
        document.Tags = new HashSet<OpenApiTag>(used.Order(StringComparer.Ordinal)
            .Select(name => new OpenApiTag { Name = name, Description = Tags.GetValueOrDefault(name) }));
        return Task.CompletedTask;
    }
}
