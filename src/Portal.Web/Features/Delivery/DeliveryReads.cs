using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;

namespace Portal.Web.Features.Delivery;

/// <summary>
/// Delivery's read surface: what other features (Incidents: the incident timeline and the on-call dashboard) may ask
/// about deployments, so they never touch the delivery tables (the architecture test enforces it).
/// </summary>
public static class DeliveryReads
{
    /// <summary>
    /// Deployments that finished (or, still running, started or were reported) in [from, to), of these components
    /// (null: all), newest first, at most <paramref name="limit"/>.
    /// </summary>
    public static async Task<IReadOnlyList<ComponentDeployment>> DeploymentsAsync(PortalDbContext db, IReadOnlyCollection<string>? components,
        DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken)
    {
        var query = db.DeliveryDeployments.AsNoTracking().Where(d => (d.FinishedAt ?? d.StartedAt ?? d.ReceivedAt) >= from && (d.FinishedAt ?? d.StartedAt ?? d.ReceivedAt) < to);
        if (components is not null)
        {
            query = query.Where(d => components.Contains(d.ComponentRef));
        }
        return await query.OrderByDescending(d => d.FinishedAt ?? d.StartedAt ?? d.ReceivedAt).Take(limit)
            .Select(d => new ComponentDeployment(d.ComponentRef, d.Environment, d.Version, d.Status, d.Rollback, d.FinishedAt ?? d.StartedAt ?? d.ReceivedAt,
                d.DeployedBy, d.Url))
            .ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Every component's delivery over the UTC days [<paramref name="first"/>, <paramref name="end"/>) from the daily
    /// rollup, in one query: production deployments that succeeded, and builds that succeeded or failed (cancelled ones
    /// judge nothing). A component with no row had no delivery event in the window.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, DeliveryCounts>> CountsAsync(PortalDbContext db, DateOnly first, DateOnly end, CancellationToken cancellationToken) =>
        await db.DeliveryDaily.AsNoTracking().Where(d => d.Day >= first && d.Day < end && d.ComponentRef != DeliveryRollup.Organisation)
            .GroupBy(d => d.ComponentRef)
            .Select(g => new DeliveryCounts(g.Key, g.Sum(d => d.DeploymentsSucceeded), g.Sum(d => d.BuildsSucceeded), g.Sum(d => d.BuildsFailed)))
            .ToDictionaryAsync(c => c.Component, StringComparer.Ordinal, cancellationToken);

    /// <summary>
    /// The components that ever sent a delivery event (one query): for the others whether they build and deploy is
    /// unknown, which delivery checks answer with "no data" rather than a zero.
    /// </summary>
    public static async Task<IReadOnlySet<string>> ComponentsAsync(PortalDbContext db, CancellationToken cancellationToken) =>
        (await db.DeliveryDaily.AsNoTracking().Where(d => d.ComponentRef != DeliveryRollup.Organisation).Select(d => d.ComponentRef).Distinct()
            .ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
}

/// <summary>A component's delivery over a window: successful production deployments, and builds that succeeded or failed.</summary>
public sealed record DeliveryCounts(string Component, int Deployments, int BuildsSucceeded, int BuildsFailed);

/// <summary>A deployment as other features may know it: <paramref name="At"/> is when it finished (or started, while it runs).</summary>
public sealed record ComponentDeployment(string Component, string Environment, string? Version, string Status, bool Rollback, DateTimeOffset At,
    string? DeployedBy, string? Url);
