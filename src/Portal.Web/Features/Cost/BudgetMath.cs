using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;

namespace Portal.Web.Features.Cost;

public sealed record BudgetAlert(int Threshold, string Basis, decimal Amount, decimal Percent);

public sealed record BudgetStatus(CostBudget Budget, decimal MonthToDate, decimal Forecast, IReadOnlyList<BudgetAlert> Alerts)
{
    public decimal PercentUsed => Budget.MonthlyAmount == 0 ? 0 : decimal.Round(MonthToDate / Budget.MonthlyAmount * 100, 1);
}

/// <summary>Budgets against month-to-date spend and a linear forecast to month end; pure, so tests can pin every number.</summary>
public static class BudgetMath
{
    /// <summary>
    /// The first day of the budget month that data up to <paramref name="asOf"/> falls in. A charge ending exactly at
    /// midnight belongs to the day before (as in <see cref="CostRange"/>): on the 1st at 00:00, with no charge of the new
    /// month yet, that is the month that just ended, not an empty new one.
    /// </summary>
    public static DateTime MonthStart(DateTime asOf)
    {
        var last = asOf.AddTicks(-1);
        return new DateTime(last.Year, last.Month, 1, 0, 0, 0, DateTimeKind.Utc);
    }

    /// <summary>"Now" for budgets: the newest charge's end when that is earlier than <paramref name="now"/> (imports lag).</summary>
    public static DateTime AsOf(DateTime? newestChargeEnd, DateTime now) => newestChargeEnd is { } l && l < now ? l : now;

    /// <summary>Month-to-date spend projected over the whole month at the rate so far.</summary>
    public static decimal Forecast(decimal monthToDate, DateTime asOf)
    {
        var start = MonthStart(asOf);
        var elapsed = (decimal)(asOf - start).TotalDays;
        var days = DateTime.DaysInMonth(start.Year, start.Month);
        return elapsed <= 0 ? monthToDate : decimal.Round(monthToDate / elapsed * days, 2);
    }

    public static IReadOnlyList<BudgetAlert> Crossed(CostBudget budget, decimal monthToDate, decimal forecast)
    {
        var alerts = new List<BudgetAlert>();
        if (budget.MonthlyAmount <= 0)
        {
            return alerts;
        }
        foreach (var threshold in budget.Thresholds.Order())
        {
            var limit = budget.MonthlyAmount * threshold / 100m;
            if (monthToDate >= limit)
            {
                alerts.Add(new BudgetAlert(threshold, "actual", monthToDate, decimal.Round(monthToDate / budget.MonthlyAmount * 100, 1)));
            }
            else if (forecast >= limit)
            {
                alerts.Add(new BudgetAlert(threshold, "forecast", forecast, decimal.Round(forecast / budget.MonthlyAmount * 100, 1)));
            }
        }
        return alerts;
    }

    /// <summary>Every budget with its month-to-date spend (effective cost, shared cost excluded) as of the newest data.</summary>
    public static async Task<List<BudgetStatus>> StatusAsync(PortalDbContext db, DateTime asOf, CancellationToken cancellationToken)
    {
        var monthStart = MonthStart(asOf);
        var budgets = await db.CostBudgets.AsNoTracking().ToListAsync(cancellationToken);
        var byTeam = await db.CostDaily.AsNoTracking().Where(c => c.Day >= monthStart && c.Day < asOf && c.Team != null)
            .GroupBy(c => new { c.Team, c.Component }).Select(g => new { g.Key.Team, g.Key.Component, Cost = g.Sum(c => c.EffectiveCost) })
            .ToListAsync(cancellationToken);
        return budgets.Select(b =>
        {
            var spent = byTeam.Where(t => t.Team == b.Team && (b.Component == null || t.Component == b.Component)).Sum(t => t.Cost);
            var forecast = Forecast(spent, asOf);
            return new BudgetStatus(b, spent, forecast, Crossed(b, spent, forecast));
        }).OrderByDescending(s => s.PercentUsed).ToList();
    }

    /// <summary>"Now" for budgets (<see cref="AsOf"/>) from the data.</summary>
    public static async Task<DateTime> AsOfAsync(PortalDbContext db, DateTimeOffset now, CancellationToken cancellationToken) =>
        AsOf(await CostQueries.NewestChargeEndAsync(db, cancellationToken), now.UtcDateTime);

    public static Task<DateTime> AsOfAsync(PortalDbContext db, TimeProvider time, CancellationToken cancellationToken) =>
        AsOfAsync(db, time.GetUtcNow(), cancellationToken);
}
