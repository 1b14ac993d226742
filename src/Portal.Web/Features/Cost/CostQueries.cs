using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;
using Portal.Web.Infrastructure.Csv;

namespace Portal.Web.Features.Cost;

/// <summary>A row of a cost report. By team, <c>SharedCost</c> is the team's part of the shared cost (included in EffectiveCost).</summary>
public sealed record CostSummaryRow(string Key, decimal BilledCost, decimal EffectiveCost, decimal PreviousPeriodCost, decimal? Change, decimal SharedCost = 0);

public sealed record CostSummary(
    string GroupBy, DateTime From, DateTime To, string? Currency, IReadOnlyList<CostSummaryRow> Rows,
    decimal BilledCost, decimal EffectiveCost, decimal UnallocatedBilledCost, decimal UnallocatedEffectiveCost, decimal SharedCost)
{
    /// <summary>The share of effective cost nobody owns.</summary>
    public decimal? UnallocatedShare => EffectiveCost == 0 ? null : decimal.Round(UnallocatedEffectiveCost / EffectiveCost, 4);
}

public sealed record CostDailyPoint(DateTime Day, string Key, decimal EffectiveCost);

/// <summary>A resource's cost over a period (the last step of the team → component → resources drill-down).</summary>
public sealed record CostResourceRow(string? ResourceId, string? ResourceName, string ServiceName, string? RegionId, decimal BilledCost, decimal EffectiveCost, int Rows);

/// <summary>A billing currency and how much of the period's cost is in it.</summary>
public sealed record CostCurrency(string Currency, decimal EffectiveCost);

/// <summary>Cost reports over the line items: totals by a dimension with the change against the period before.</summary>
public static class CostQueries
{
    /// <summary>The dimensions a summary can be grouped by.</summary>
    public static readonly string[] GroupBys = ["team", "component", "environment", "serviceCategory", "provider", "region", "service", "subAccount"];

    /// <summary>What a person reads for a dimension (the URL and the API keep the field name).</summary>
    public static string Label(string groupBy) => groupBy switch
    {
        "team" => "Team",
        "component" => "Component",
        "environment" => "Environment",
        "serviceCategory" => "Service category",
        "provider" => "Provider",
        "region" => "Region",
        "service" => "Service",
        "subAccount" => "Sub-account",
        _ => groupBy,
    };

    /// <summary>The key of "nobody": cost whose dimension is unknown.</summary>
    public const string Unallocated = "(unallocated)";

    /// <summary>The property a dimension is kept in (the same name on line items and on the daily rollup).</summary>
    public static string? KeyOf(string groupBy) => groupBy switch
    {
        "team" => nameof(CostDaily.Team),
        "component" => nameof(CostDaily.Component),
        "environment" => nameof(CostDaily.Environment),
        "serviceCategory" => nameof(CostDaily.ServiceCategory),
        "provider" => nameof(CostDaily.ProviderName),
        "region" => nameof(CostDaily.RegionId),
        "service" => nameof(CostDaily.ServiceName),
        "subAccount" => nameof(CostDaily.SubAccountId),
        _ => null,
    };

    /// <summary>The newest ChargePeriodEnd in the data, from the rollup's index (not a scan of the line items); null when there is none.</summary>
    public static Task<DateTime?> NewestChargeEndAsync(PortalDbContext db, CancellationToken cancellationToken) =>
        db.CostDaily.MaxAsync(d => (DateTime?)d.LastChargeEnd, cancellationToken);

    /// <summary>The default window: the 30 days up to the newest charge in the data (or up to now when there is none).</summary>
    public static async Task<(DateTime From, DateTime To)> DefaultWindowAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        var latest = await NewestChargeEndAsync(db, cancellationToken) ?? DateTime.UtcNow.Date.AddDays(1);
        return (latest.AddDays(-30), latest);
    }

    public static async Task<CostSummary> SummaryAsync(PortalDbContext db, string groupBy, DateTime from, DateTime to, string? currency, string? team,
        CancellationToken cancellationToken, string? component = null)
    {
        var key = KeyOf(groupBy) ?? throw new ArgumentOutOfRangeException(nameof(groupBy));
        var previousFrom = from - (to - from);
        // Whole days from the rollup; a window starting mid-day counts that day.
        var scoped = db.CostDaily.AsNoTracking().Where(c => c.Day >= previousFrom.Date && c.Day < to);
        if (!string.IsNullOrWhiteSpace(currency))
        {
            scoped = scoped.Where(c => c.BillingCurrency == currency);
        }
        if (!string.IsNullOrWhiteSpace(team))
        {
            scoped = scoped.Where(c => c.Team == team);
        }
        if (!string.IsNullOrWhiteSpace(component))
        {
            scoped = scoped.Where(c => c.Component == component);
        }
        var grouped = await scoped
            .Select(Project(key))
            .GroupBy(x => new { x.Key, Current = x.At >= from.Date })
            .Select(g => new { g.Key.Key, g.Key.Current, Billed = g.Sum(x => x.Billed), Effective = g.Sum(x => x.Effective) })
            .ToListAsync(cancellationToken);
        var rows = grouped.GroupBy(g => g.Key ?? Unallocated).Select(g =>
        {
            var current = g.Where(x => x.Current).ToList();
            var previous = g.Where(x => !x.Current).Sum(x => x.Effective);
            var effective = current.Sum(x => x.Effective);
            return new CostSummaryRow(g.Key, current.Sum(x => x.Billed), effective, previous,
                previous == 0 ? null : decimal.Round((effective - previous) / Math.Abs(previous), 4));
        }).Where(r => r.BilledCost != 0 || r.EffectiveCost != 0 || r.PreviousPeriodCost != 0)
          .OrderByDescending(r => r.EffectiveCost).ToList();
        // By team, shared cost is split over the teams in proportion to their allocated effective cost, to the cent.
        var shared = rows.FirstOrDefault(r => r.Key == CostAttribution.SharedTeam);
        if (groupBy == "team" && shared is not null)
        {
            var teams = rows.Where(r => r.Key is not Unallocated and not CostAttribution.SharedTeam).ToList();
            if (teams.Count > 0)
            {
                var split = CostAttribution.SplitShared(shared.EffectiveCost, teams.ToDictionary(r => r.Key, r => r.EffectiveCost));
                rows = [.. rows.Where(r => r.Key != CostAttribution.SharedTeam)
                    .Select(r => split.TryGetValue(r.Key, out var part) ? r with { EffectiveCost = r.EffectiveCost + part, SharedCost = part } : r)
                    .OrderByDescending(r => r.EffectiveCost)];
                // Billed cost of the shared part is reported in the totals, effective cost in the teams' rows.
            }
        }
        var unallocated = rows.FirstOrDefault(r => r.Key == Unallocated);
        return new CostSummary(groupBy, from, to, currency, rows,
            grouped.Where(g => g.Current).Sum(g => g.Billed), grouped.Where(g => g.Current).Sum(g => g.Effective),
            unallocated?.BilledCost ?? 0, unallocated?.EffectiveCost ?? 0, shared?.EffectiveCost ?? 0);
    }

    public static async Task<IReadOnlyList<CostDailyPoint>> DailyAsync(PortalDbContext db, string groupBy, DateTime from, DateTime to, string? team,
        CancellationToken cancellationToken, string? currency = null, string? component = null)
    {
        var key = KeyOf(groupBy) ?? throw new ArgumentOutOfRangeException(nameof(groupBy));
        var scoped = db.CostDaily.AsNoTracking().Where(c => c.Day >= from.Date && c.Day < to);
        if (!string.IsNullOrWhiteSpace(team))
        {
            scoped = scoped.Where(c => c.Team == team);
        }
        if (!string.IsNullOrWhiteSpace(currency))
        {
            scoped = scoped.Where(c => c.BillingCurrency == currency);
        }
        if (!string.IsNullOrWhiteSpace(component))
        {
            scoped = scoped.Where(c => c.Component == component);
        }
        var points = await scoped.Select(Project(key))
            .GroupBy(x => new { x.Key, Day = x.At })
            .Select(g => new { g.Key.Day, g.Key.Key, Effective = g.Sum(x => x.Effective) })
            .ToListAsync(cancellationToken);
        return points.Select(p => new CostDailyPoint(DateTime.SpecifyKind(p.Day, DateTimeKind.Utc), p.Key ?? Unallocated, p.Effective))
            .OrderBy(p => p.Day).ThenBy(p => p.Key, StringComparer.Ordinal).ToList();
    }

    /// <summary>The five charges (service and resource) that cost the most in the window.</summary>
    public static async Task<IReadOnlyList<CostSummaryRow>> TopDriversAsync(PortalDbContext db, DateTime from, DateTime to, string? team, CancellationToken cancellationToken,
        string? currency = null, string? component = null)
    {
        var scoped = LineItems(db, from, to, team, currency, component);
        var top = await scoped.GroupBy(c => new { c.ServiceName, c.ResourceId })
            .Select(g => new { g.Key.ServiceName, g.Key.ResourceId, Billed = g.Sum(c => c.BilledCost), Effective = g.Sum(c => c.EffectiveCost) })
            .OrderByDescending(g => g.Effective).ThenByDescending(g => g.Billed).Take(5).ToListAsync(cancellationToken);
        return top.Select(t => new CostSummaryRow(t.ResourceId is null ? t.ServiceName : $"{t.ServiceName}: {t.ResourceId}", t.Billed, t.Effective, 0, null)).ToList();
    }

    /// <summary>The resources that cost the most over the period (of a component, a team, or all), largest first.</summary>
    public static async Task<IReadOnlyList<CostResourceRow>> ResourcesAsync(PortalDbContext db, DateTime from, DateTime to, string? team, string? component,
        string? currency, int top, CancellationToken cancellationToken)
    {
        var rows = await LineItems(db, from, to, team, currency, component)
            .GroupBy(c => new { c.ResourceId, c.ServiceName, c.RegionId })
            .Select(g => new { g.Key.ResourceId, g.Key.ServiceName, g.Key.RegionId, Name = g.Max(c => c.ResourceName), Billed = g.Sum(c => c.BilledCost),
                Effective = g.Sum(c => c.EffectiveCost), Rows = g.Count() })
            .OrderByDescending(g => g.Effective).ThenBy(g => g.ResourceId).Take(top).ToListAsync(cancellationToken);
        return rows.Select(r => new CostResourceRow(r.ResourceId, r.Name, r.ServiceName, r.RegionId, r.Billed, r.Effective, r.Rows)).ToList();
    }

    /// <summary>The billing currencies of the period, the one with the most charges first.</summary>
    public static async Task<IReadOnlyList<CostCurrency>> CurrenciesAsync(PortalDbContext db, DateTime from, DateTime to, CancellationToken cancellationToken)
    {
        var rows = await db.CostDaily.AsNoTracking().Where(c => c.Day >= from.Date && c.Day < to)
            .GroupBy(c => c.BillingCurrency).Select(g => new { Currency = g.Key, Effective = g.Sum(c => c.EffectiveCost), Rows = g.Sum(c => c.Rows) })
            .ToListAsync(cancellationToken);
        // Amounts in different currencies cannot be compared, so the main currency is the one with the most charges.
        return rows.OrderByDescending(r => r.Rows).ThenBy(r => r.Currency, StringComparer.Ordinal)
            .Select(r => new CostCurrency(r.Currency, r.Effective)).ToList();
    }

    /// <summary>The months that have billing data, newest first (at most <paramref name="top"/>): the picker offers them.</summary>
    public static async Task<IReadOnlyList<DateTime>> MonthsAsync(PortalDbContext db, int top, CancellationToken cancellationToken)
    {
        var months = await db.CostDaily.AsNoTracking().GroupBy(c => new { c.Day.Year, c.Day.Month })
            .OrderByDescending(g => g.Key.Year).ThenByDescending(g => g.Key.Month).Select(g => g.Key).Take(top).ToListAsync(cancellationToken);
        return months.Select(m => new DateTime(m.Year, m.Month, 1, 0, 0, 0, DateTimeKind.Utc)).ToList();
    }

    private static IQueryable<CostLineItem> LineItems(PortalDbContext db, DateTime from, DateTime to, string? team, string? currency, string? component)
    {
        var scoped = db.CostLineItems.AsNoTracking().Where(c => c.ChargePeriodStart >= from && c.ChargePeriodStart < to);
        if (!string.IsNullOrWhiteSpace(team))
        {
            scoped = scoped.Where(c => c.Team == team);
        }
        if (!string.IsNullOrWhiteSpace(currency))
        {
            scoped = scoped.Where(c => c.BillingCurrency == currency);
        }
        if (!string.IsNullOrWhiteSpace(component))
        {
            scoped = scoped.Where(c => c.Component == component);
        }
        return scoped;
    }

    /// <summary>The top resources by effective cost that no team owns (shared cost excluded: it is split over the teams).</summary>
    public static async Task<UnallocatedReport> UnallocatedAsync(PortalDbContext db, DateTime from, DateTime to, int top, CancellationToken cancellationToken)
    {
        var scoped = db.CostLineItems.AsNoTracking().Where(c => c.ChargePeriodStart >= from && c.ChargePeriodStart < to);
        var total = await scoped.SumAsync(c => c.EffectiveCost, cancellationToken);
        var unallocated = scoped.Where(c => c.Team == null);
        var cost = await unallocated.SumAsync(c => c.EffectiveCost, cancellationToken);
        var resources = await unallocated.GroupBy(c => new { c.ResourceId, c.ServiceName, c.SubAccountId })
            .Select(g => new { g.Key.ResourceId, g.Key.ServiceName, g.Key.SubAccountId, Effective = g.Sum(c => c.EffectiveCost), Rows = g.Count() })
            .OrderByDescending(g => g.Effective).ThenBy(g => g.ResourceId).Take(top).ToListAsync(cancellationToken);
        var result = new List<UnallocatedResource>(resources.Count);
        foreach (var r in resources)
        {
            // One row's tags stand for the resource's (a resource rarely changes tags within a window).
            var tags = await unallocated.Where(c => c.ResourceId == r.ResourceId && c.ServiceName == r.ServiceName && c.SubAccountId == r.SubAccountId)
                .Select(c => c.Tags).FirstAsync(cancellationToken);
            result.Add(new UnallocatedResource(r.ResourceId, r.ServiceName, r.SubAccountId, r.Effective, r.Rows, tags));
        }
        return new UnallocatedReport(from, to, cost, total, result);
    }

    /// <summary>Report rows as CSV (RFC 4180; keys as defused text cells, numbers invariant), headed by the dimension's name.</summary>
    public static string ToCsv(string keyHeader, IEnumerable<CostSummaryRow> rows)
    {
        var csv = new System.Text.StringBuilder();
        csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"{keyHeader},billedCost,effectiveCost,sharedCost,previousPeriodCost,change\n");
        foreach (var r in rows)
        {
            csv.Append(System.Globalization.CultureInfo.InvariantCulture,
                $"{CsvCell.Text(r.Key)},{CsvCell.Number(r.BilledCost)},{CsvCell.Number(r.EffectiveCost)},{CsvCell.Number(r.SharedCost)},{CsvCell.Number(r.PreviousPeriodCost)},{CsvCell.Number(r.Change)}\n");
        }
        return csv.ToString();
    }

    private static Expression<Func<CostDaily, Keyed>> Project(string key)
    {
        var item = Expression.Parameter(typeof(CostDaily), "d");
        var body = Expression.MemberInit(Expression.New(typeof(Keyed)),
            Expression.Bind(typeof(Keyed).GetProperty(nameof(Keyed.Key))!, Expression.Property(item, key)),
            Expression.Bind(typeof(Keyed).GetProperty(nameof(Keyed.At))!, Expression.Property(item, nameof(CostDaily.Day))),
            Expression.Bind(typeof(Keyed).GetProperty(nameof(Keyed.Billed))!, Expression.Property(item, nameof(CostDaily.BilledCost))),
            Expression.Bind(typeof(Keyed).GetProperty(nameof(Keyed.Effective))!, Expression.Property(item, nameof(CostDaily.EffectiveCost))));
        return Expression.Lambda<Func<CostDaily, Keyed>>(body, item);
    }

    private sealed class Keyed
    {
        public string? Key { get; init; }
        public DateTime At { get; init; }
        public decimal Billed { get; init; }
        public decimal Effective { get; init; }
    }
}
