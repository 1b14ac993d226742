using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Web.Data;
using Portal.Web.Features.Slo.Ingestion;

namespace Portal.Web.Features.Slo;

/// <summary>One SLO's figures and the window they were computed over.</summary>
public sealed record SloResult(SloDefinition Slo, SloFigures Figures, DateTimeOffset WindowStart, DateTimeOffset WindowEnd);

/// <summary>
/// Figures for many SLOs at once from their <see cref="SloCount"/> rows: SLOs that share a window shape (rolling N days,
/// or the same calendar month) are summed in one query, so a cycle over 10,000 SLOs is a handful of queries. The
/// period starts at its first whole hour once it reaches beyond the minutes kept (see <see cref="SloWindows.Cover"/>), except a
/// calendar month's, whose first partial hour is kept in minutes (<see cref="SloDefinition.StartEdgeAt"/>).
/// </summary>
public static class SloEvaluation
{
    public static async Task<Dictionary<Guid, SloResult>> EvaluateAsync(PortalDbContext db, IReadOnlyCollection<SloDefinition> slos, DateTimeOffset now,
        bool allSlos, CancellationToken cancellationToken)
    {
        var results = new Dictionary<Guid, SloResult>();
        if (slos.Count == 0)
        {
            return results;
        }
        await db.Database.OpenConnectionAsync(cancellationToken);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var end = SloMath.MinuteOf(now);
        var groups = Plan(slos, now);
        // One query for every SLO and every window's segments; by id unless all SLOs are evaluated (the alert job).
        var segments = groups.SelectMany(g => g.Windows.Values.Append(g.PeriodWindow)).SelectMany(w => w.Segments);
        var sums = await SloCountStore.SumAsync(connection, allSlos ? null : slos.Select(s => s.Id).ToList(), segments, cancellationToken);
        foreach (var (group, period, windows, periodWindow) in groups)
        {
            foreach (var slo in group)
            {
                var own = sums.GetValueOrDefault(slo.Id);
                (long, long) Trailing(TimeSpan length) => SloCountStore.Total(own, windows[length]).By(slo.BudgetingMethod);
                var figures = SloMath.Compute(Trailing, SloCountStore.Total(own, periodWindow).By(slo.BudgetingMethod), slo.Target, period, slo.Rules, slo.MinEvents,
                    slo.NoDataMinutes);
                results[slo.Id] = new SloResult(slo, figures, periodWindow.Start, end);
            }
        }
        return results;
    }

    /// <summary>The SLOs grouped by window shape, with the rows each window of the group covers.</summary>
    public static List<(List<SloDefinition> Slos, TimeSpan Period, Dictionary<TimeSpan, CountWindow> Windows, CountWindow PeriodWindow)> Plan(
        IEnumerable<SloDefinition> slos, DateTimeOffset now)
    {
        var endExclusive = SloMath.MinuteOf(now) + TimeSpan.FromMinutes(1);
        return slos.GroupBy(s => (Window: s.WindowAt(now), Edge: s.StartEdgeAt(now) is not null)).Select(group =>
        {
            var ((periodStart, period), startKept) = group.Key;
            var lengths = SloMath.BurnWindows.Select(w => w.Window).Concat(group.SelectMany(s => s.Rules).SelectMany(r => new[] { r.LongWindow, r.ShortWindow }))
                .Concat(group.Where(s => s.NoDataMinutes is not null).Select(s => TimeSpan.FromMinutes(s.NoDataMinutes!.Value))).Distinct().ToList();
            var windows = lengths.ToDictionary(length => length, length =>
            {
                var (start, segments) = SloWindows.Cover(endExclusive - length, endExclusive, now, CountRetention.Default);
                return new CountWindow(SloMath.Name(length), start, segments);
            });
            var (coveredStart, periodSegments) = SloWindows.Cover(periodStart, endExclusive, now, CountRetention.Default, startKept);
            return (Slos: group.ToList(), Period: period, Windows: windows, PeriodWindow: new CountWindow("period", coveredStart, periodSegments));
        }).ToList();
    }

    /// <summary>Latency SLOs whose threshold is not a bucket bound of the component's latest minute: their counts are interpolated estimates.</summary>
    public static async Task<HashSet<Guid>> EstimatedAsync(PortalDbContext db, IReadOnlyCollection<SloDefinition> slos, CancellationToken cancellationToken)
    {
        var latency = slos.Where(s => s.Indicator == SliKinds.Latency).ToList();
        var estimated = new HashSet<Guid>();
        if (latency.Count == 0)
        {
            return estimated;
        }
        var components = latency.Select(s => s.ComponentRef).Distinct().ToList();
        var latest = await db.Set<ServiceMinute>().FromSqlRaw(
                "SELECT DISTINCT ON (component_ref) * FROM slo_service_minutes WHERE component_ref = ANY({0}) ORDER BY component_ref, minute DESC", components)
            .AsNoTracking().ToListAsync(cancellationToken);
        var buckets = latest.ToDictionary(m => m.ComponentRef, m => m.LatencyBuckets);
        foreach (var slo in latency)
        {
            if (buckets.TryGetValue(slo.ComponentRef, out var row) && SliMinutes.AtOrBelow(row, (double)slo.ThresholdSeconds!.Value).Interpolated)
            {
                estimated.Add(slo.Id);
            }
        }
        return estimated;
    }
}
