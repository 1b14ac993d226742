using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;

namespace Portal.Web.Features.Cost;

/// <summary>A day on which a team or component spent far more than usual, and what grew.</summary>
public sealed record CostAnomaly(string Key, DateTime Day, decimal Cost, decimal Mean, decimal StandardDeviation, string Explanation);

/// <summary>
/// Anomalies in daily spend: a day above mean + 3σ of the 30 days before it, and above an absolute
/// floor (so a service going from 0.01 to 0.05 is not news). Each is explained by the service
/// category and service that grew most against their own mean.
/// </summary>
public static class CostAnomalies
{
    public const int BaselineDays = 30;
    public const decimal Sigmas = 3m;

    /// <summary>Days of <paramref name="daily"/> (ordered by day, gaps count as 0) that are anomalous against their baseline.</summary>
    public static IReadOnlyList<(DateTime Day, decimal Cost, decimal Mean, decimal Sd)> Detect(IReadOnlyList<(DateTime Day, decimal Cost)> daily, decimal floor)
    {
        var found = new List<(DateTime, decimal, decimal, decimal)>();
        for (var i = BaselineDays; i < daily.Count; i++)
        {
            var baseline = daily.Skip(i - BaselineDays).Take(BaselineDays).Select(d => d.Cost).ToList();
            var mean = baseline.Average();
            var variance = baseline.Sum(c => (c - mean) * (c - mean)) / baseline.Count;
            var sd = (decimal)Math.Sqrt((double)variance);
            var cost = daily[i].Cost;
            if (cost > mean + Sigmas * sd && cost - mean >= floor)
            {
                found.Add((daily[i].Day, cost, decimal.Round(mean, 2), decimal.Round(sd, 2)));
            }
        }
        return found;
    }

    /// <summary>The resource whose cost on <paramref name="day"/> rose most over its own 30-day daily mean (line items, one key and 31 days).</summary>
    private static async Task<(string Id, decimal Rise)?> TopResourceAsync(PortalDbContext db, string groupBy, string key, DateTime day, CancellationToken cancellationToken)
    {
        var start = day.AddDays(-BaselineDays);
        var end = day.AddDays(1);
        var items = db.CostLineItems.AsNoTracking().Where(c => c.ChargePeriodStart >= start && c.ChargePeriodStart < end && c.ResourceId != null);
        items = groupBy == "component" ? items.Where(c => c.Component == key) : items.Where(c => c.Team == key);
        var sums = await items.GroupBy(c => new { c.ResourceId, OnDay = c.ChargePeriodStart >= day })
            .Select(g => new { g.Key.ResourceId, g.Key.OnDay, Cost = g.Sum(c => c.EffectiveCost) }).ToListAsync(cancellationToken);
        var top = sums.GroupBy(s => s.ResourceId!).Select(g => (Id: g.Key,
                Rise: g.Where(s => s.OnDay).Sum(s => s.Cost) - g.Where(s => !s.OnDay).Sum(s => s.Cost) / BaselineDays))
            .OrderByDescending(r => r.Rise).FirstOrDefault();
        return top.Id is null || top.Rise <= 0 ? null : (top.Id, decimal.Round(top.Rise, 2));
    }

    /// <summary>Anomalies per team (or per component) over the last <paramref name="days"/> days of data.</summary>
    public static async Task<IReadOnlyList<CostAnomaly>> FindAsync(PortalDbContext db, string groupBy, DateTime to, int days, decimal floor, CancellationToken cancellationToken)
    {
        var from = to.Date.AddDays(-(days + BaselineDays));
        var rows = await db.CostDaily.AsNoTracking().Where(d => d.Day >= from && d.Day < to)
            .Select(d => new { Key = groupBy == "component" ? d.Component : d.Team, d.Day, d.ServiceCategory, d.ServiceName, d.EffectiveCost })
            .ToListAsync(cancellationToken);
        var result = new List<CostAnomaly>();
        foreach (var group in rows.Where(r => r.Key is not null && r.Key != CostAttribution.SharedTeam).GroupBy(r => r.Key!))
        {
            var byDay = group.GroupBy(r => r.Day).ToDictionary(g => g.Key, g => g.Sum(r => r.EffectiveCost));
            var series = Enumerable.Range(0, (int)(to.Date - from).TotalDays).Select(i => from.AddDays(i))
                .Select(d => (d, byDay.GetValueOrDefault(d))).ToList();
            foreach (var (day, cost, mean, sd) in Detect(series, floor))
            {
                // What grew: the service with the largest rise over its own daily mean in the baseline.
                var baselineStart = day.AddDays(-BaselineDays);
                var growth = group.GroupBy(r => (r.ServiceCategory, r.ServiceName)).Select(g => new
                {
                    g.Key,
                    Rise = g.Where(r => r.Day == day).Sum(r => r.EffectiveCost) - g.Where(r => r.Day >= baselineStart && r.Day < day).Sum(r => r.EffectiveCost) / BaselineDays,
                }).OrderByDescending(g => g.Rise).First();
                var resource = await TopResourceAsync(db, groupBy, group.Key, day, cancellationToken);
                result.Add(new CostAnomaly(group.Key, day, cost, mean, sd,
                    $"{growth.Key.ServiceCategory} ({growth.Key.ServiceName}) rose by {growth.Rise:N2} over its 30-day daily mean" +
                    (resource is null ? "." : $"; the resource that grew most is {resource.Value.Id} (+{resource.Value.Rise:N2}).")));
            }
        }
        return result.OrderByDescending(a => a.Day).ThenByDescending(a => a.Cost - a.Mean).ToList();
    }
}
