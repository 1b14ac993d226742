using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;

namespace Portal.Web.Features.Environments;

public sealed record TimeToReady(string Type, int Count, double P50Seconds, double P95Seconds);

/// <summary>The platform team's figures: time to ready per type, policy compliance, environments by status.</summary>
public sealed record EnvironmentFigures(
    IReadOnlyList<TimeToReady> TimeToReady, int Decisions, int CompliantDecisions, IReadOnlyDictionary<string, int> ByStatus, int PendingApprovals)
{
    public double? ComplianceRate => Decisions == 0 ? null : (double)CompliantDecisions / Decisions;

    public static async Task<EnvironmentFigures> LoadAsync(PortalDbContext db, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var times = await EnvironmentReads.TimeToReadyAsync(db, since, null, cancellationToken);
        var decisions = await db.PolicyDecisions.AsNoTracking().Where(d => d.At >= since)
            .GroupBy(d => d.Compliant).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        var byStatus = await db.Environments.AsNoTracking().GroupBy(e => e.Status).Select(g => new { g.Key, Count = g.Count() })
            .ToListAsync(cancellationToken);
        return new EnvironmentFigures(
            times,
            decisions.Sum(d => d.Count),
            decisions.Where(d => d.Key).Sum(d => d.Count),
            byStatus.ToDictionary(s => s.Key.ToString(), s => s.Count),
            byStatus.Where(s => s.Key == EnvironmentStatus.PendingApproval).Sum(s => s.Count));
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
