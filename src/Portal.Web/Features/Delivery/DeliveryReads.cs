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
}

/// <summary>A deployment as other features may know it: <paramref name="At"/> is when it finished (or started, while it runs).</summary>
public sealed record ComponentDeployment(string Component, string Environment, string? Version, string Status, bool Rollback, DateTimeOffset At,
    string? DeployedBy, string? Url);
