using Portal.Web.Data;
using Portal.Web.Features.Delivery;
using Portal.Web.Features.Environments;

namespace Portal.Web.Features.Incidents;

/// <summary>
/// The on-call dashboard's recent deploys and environment changes of all components (through Delivery's and
/// Environments' read surfaces), newest first: the first thing to look at when something starts to burn.
/// </summary>
public static class RecentChanges
{
    public static readonly TimeSpan Span = TimeSpan.FromHours(24);
    public const int Limit = 20;

    public static async Task<IReadOnlyList<RecentChange>> LoadAsync(PortalDbContext db, DateTimeOffset now, CancellationToken ct)
    {
        // A CI clock a little ahead of ours still counts as now.
        var (from, to) = (now - Span, now.AddMinutes(5));
        var deploys = await DeliveryReads.DeploymentsAsync(db, null, from, to, Limit, ct);
        var environments = await EnvironmentReads.ChangesAsync(db, null, from, to, Limit, ct);
        return Newest(deploys.Select(d => new RecentChange(IncidentChanges.Entry(d), d.Component, d.Url))
            .Concat(environments.Select(e => new RecentChange(IncidentChanges.Entry(e), e.Component, $"/environments/{e.Id}"))));
    }

    /// <summary>The newest <see cref="Limit"/>, newest first.</summary>
    public static IReadOnlyList<RecentChange> Newest(IEnumerable<RecentChange> changes) => [.. changes.OrderByDescending(c => c.Entry.At).Take(Limit)];
}

/// <summary>A deploy or environment change as the dashboard lists it, worded as on the incident timeline; <see cref="Link"/>: the CI run or the environment page.</summary>
public sealed record RecentChange(IncidentTimelineEntry Entry, string Component, string? Link);
