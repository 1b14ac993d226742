using System.Globalization;
using Portal.Web.Features.Delivery;
using Portal.Web.Features.Environments;

namespace Portal.Web.Features.Incidents;

/// <summary>
/// The deploys and environment changes an incident's timeline shows: those of the affected components (the component
/// and its dependents) from a while before it opened (a deploy is the usual cause) until it resolved.
/// </summary>
public static class IncidentChanges
{
    /// <summary>How far before the incident opened its timeline looks for changes.</summary>
    public static readonly TimeSpan Before = TimeSpan.FromHours(2);

    /// <summary>At most this many deploys and this many environment changes on one timeline (the newest).</summary>
    public const int Limit = 100;

    public const string DeployKind = "deploy";
    public const string EnvironmentKind = "environment";

    /// <summary>[from, to): from <see cref="Before"/> the incident opened to its resolution (still open: without end).</summary>
    public static (DateTimeOffset From, DateTimeOffset To) Window(DateTimeOffset triggeredAt, DateTimeOffset? resolvedAt) =>
        (triggeredAt - Before, resolvedAt?.AddTicks(1) ?? DateTimeOffset.MaxValue);

    /// <summary>The component first, then its dependents, once each.</summary>
    public static IReadOnlyList<string> Affected(string component, IEnumerable<string> dependents) => [.. new[] { component }.Concat(dependents).Distinct()];

    public static IncidentTimelineEntry Entry(ComponentDeployment d)
    {
        var name = Name(d.Component);
        var text = d.Rollback
            ? $"Rolled back {name} in {d.Environment} to {d.Version ?? "the previous version"}: {d.Status}."
            : $"Deployed {name} {d.Version ?? "(no version given)"} to {d.Environment}: {d.Status}.";
        return new IncidentTimelineEntry(d.At, DeployKind, d.DeployedBy ?? "delivery", text);
    }

    public static IncidentTimelineEntry Entry(EnvironmentChange c)
    {
        var text = c.From is null
            ? $"Environment {c.Environment} ({c.Tier}) of {Name(c.Component)} requested."
            : string.Create(CultureInfo.InvariantCulture, $"Environment {c.Environment} of {Name(c.Component)}: {c.From} → {c.To}.");
        if (!string.IsNullOrWhiteSpace(c.Comment))
        {
            text += " " + (c.Comment.Length > 300 ? c.Comment[..300] + "…" : c.Comment);
        }
        return new IncidentTimelineEntry(c.At, EnvironmentKind, c.Actor, text);
    }

    /// <summary>The incident's own lines and the changes in one timeline, oldest first; at the same instant the incident's own line comes first.</summary>
    public static IReadOnlyList<IncidentTimelineEntry> Merge(IReadOnlyList<IncidentTimelineEntry> own, IEnumerable<IncidentTimelineEntry> changes) =>
        [.. own.Select((e, i) => (e, Order: 0, i)).Concat(changes.OrderBy(e => e.At).Select((e, i) => (e, Order: 1, i)))
            .OrderBy(x => x.e.At).ThenBy(x => x.Order).ThenBy(x => x.i).Select(x => x.e)];

    private static string Name(string entityRef) => entityRef[(entityRef.LastIndexOf('/') + 1)..];
}
