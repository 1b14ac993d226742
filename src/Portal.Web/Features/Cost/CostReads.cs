using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;

namespace Portal.Web.Features.Cost;

/// <summary>
/// Cost's read surface for other features: per-team totals and how much of them is attributed to a component (scorecards),
/// and the largest cost drivers by team or environment (the executive dashboard), so no other feature reads the cost tables
/// (the architecture test enforces it).
/// </summary>
public static class CostReads
{
    /// <summary>
    /// Each catalog team's effective cost over the days [<paramref name="from"/>, <paramref name="to"/>) and the part attributed to a
    /// component; keyed by the team's ref (as cost attributes it, e.g. <c>group:default/payments</c>). Shared and unallocated cost belong to no team.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, TeamCostShare>> TeamAttributionAsync(PortalDbContext db, DateTime from, DateTime to,
        CancellationToken cancellationToken) =>
        await db.Set<CostDaily>().AsNoTracking()
            .Where(d => d.Day >= from && d.Day < to && d.Team != null && d.Team != CostAttribution.SharedTeam)
            .GroupBy(d => d.Team!)
            .Select(g => new { Team = g.Key, Total = g.Sum(d => d.EffectiveCost), Attributed = g.Where(d => d.Component != null).Sum(d => d.EffectiveCost) })
            .ToDictionaryAsync(g => g.Team, g => new TeamCostShare(g.Total, g.Attributed), cancellationToken);

    /// <summary>
    /// Every budget with its spend in the current budget period, as the budgets page reports it: the calendar month of the
    /// newest charge (imports lag, so "now" is the newest charge when that is earlier), effective cost, shared cost excluded;
    /// a team's budget counts all its cost, a component's only that component's. Two queries, whatever the number of entities.
    /// </summary>
    public static async Task<IReadOnlyList<BudgetSpend>> BudgetsAsync(PortalDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var asOf = await BudgetMath.AsOfAsync(db, now, cancellationToken);
        var period = DateOnly.FromDateTime(BudgetMath.MonthStart(asOf));
        return (await BudgetMath.StatusAsync(db, asOf, cancellationToken))
            .Select(s => new BudgetSpend(s.Budget.Team, s.Budget.Component, s.Budget.Currency, s.Budget.MonthlyAmount, s.MonthToDate, period)).ToList();
    }

    /// <summary>
    /// The <paramref name="top"/> teams or environments (<paramref name="dimension"/> "team" or "environment") with the most effective
    /// cost over the days [<paramref name="from"/>, <paramref name="to"/>), as the cost page reports them: in the period's main billing
    /// currency, shared cost split over the teams, and unallocated cost as a driver of its own. With <paramref name="team"/> (its
    /// catalog ref), that team's own cost only, as the cost page's team filter shows it (the executive dashboard's team view).
    /// </summary>
    public static async Task<CostDrivers> TopDriversAsync(PortalDbContext db, string dimension, DateTime from, DateTime to, int top,
        CancellationToken cancellationToken, string? team = null)
    {
        if (dimension is not ("team" or "environment"))
        {
            throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "team or environment");
        }
        // One currency per report, as on the cost page: amounts in different currencies do not add up.
        var currencies = await CostQueries.CurrenciesAsync(db, from, to, cancellationToken);
        var currency = currencies.Count == 0 ? null : currencies[0].Currency;
        if (currency is null)
        {
            return new CostDrivers(dimension, null, 0, []);
        }
        var summary = await CostQueries.SummaryAsync(db, dimension, from, to, currency, team, cancellationToken);
        var rows = summary.Rows.Where(r => r.EffectiveCost > 0).Take(top)
            .Select(r => new CostDriver(r.Key, r.Key == CostQueries.Unallocated, r.EffectiveCost)).ToList();
        return new CostDrivers(dimension, currency, summary.EffectiveCost, rows);
    }

    /// <summary>
    /// These components' (lower-case refs) effective cost over the days [<paramref name="from"/>, <paramref name="to"/>) in the
    /// currency each spent most in, with the component's own monthly budget in that currency; components without cost are absent.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, ComponentCost>> ComponentsAsync(PortalDbContext db, IReadOnlyCollection<string> componentRefs,
        DateTime from, DateTime to, CancellationToken cancellationToken)
    {
        var sums = await db.Set<CostDaily>().AsNoTracking()
            .Where(d => d.Day >= from && d.Day < to && d.Component != null && componentRefs.Contains(d.Component!))
            .GroupBy(d => new { d.Component, d.BillingCurrency })
            .Select(g => new { g.Key.Component, g.Key.BillingCurrency, Cost = g.Sum(d => d.EffectiveCost) })
            .ToListAsync(cancellationToken);
        var budgets = await db.Set<CostBudget>().AsNoTracking().Where(b => b.Component != null && componentRefs.Contains(b.Component!))
            .Select(b => new { b.Component, b.Currency, b.MonthlyAmount }).ToListAsync(cancellationToken);
        return sums.GroupBy(s => s.Component!).ToDictionary(g => g.Key, g =>
        {
            var main = g.OrderByDescending(s => s.Cost).ThenBy(s => s.BillingCurrency, StringComparer.Ordinal).First();
            var budget = budgets.FirstOrDefault(b => b.Component == g.Key && b.Currency == main.BillingCurrency);
            return new ComponentCost(main.BillingCurrency, main.Cost, budget?.MonthlyAmount);
        });
    }
}

/// <summary>The largest cost drivers of a period by one dimension; <see cref="Total"/> is the period's whole effective cost in <see cref="Currency"/>.</summary>
public sealed record CostDrivers(string Dimension, string? Currency, decimal Total, IReadOnlyList<CostDriver> Rows);

/// <summary>A team (its catalog ref) or an environment name and its effective cost; <see cref="Unallocated"/>: the cost nobody owns.</summary>
public sealed record CostDriver(string Key, bool Unallocated, decimal EffectiveCost);

/// <summary>A component's cost over a window in one currency, and its monthly budget in that currency when it has one.</summary>
public sealed record ComponentCost(string Currency, decimal EffectiveCost, decimal? MonthlyBudget);

/// <summary>
/// A budget (a team's, or one component's when <see cref="Component"/> is set; both lower-case refs) and what was spent
/// against it in the budget period starting <see cref="Period"/> (a calendar month).
/// </summary>
public sealed record BudgetSpend(string Team, string? Component, string Currency, decimal Amount, decimal Spent, DateOnly Period);

/// <summary>A team's cost over a window and the part of it attributed to a component.</summary>
public sealed record TeamCostShare(decimal Total, decimal Attributed);
