using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Web.Data;
using Portal.Web.Features.Identity;
using Portal.Web.Infrastructure.Notifications;

namespace Portal.Web.Features.Cost;

/// <summary>A monthly budget for a team (or one of its components), with alert thresholds in percent.</summary>
public sealed class CostBudget
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public required string Team { get; set; }
    public string? Component { get; set; }
    public decimal MonthlyAmount { get; set; }
    public required string Currency { get; set; }
    public List<int> Thresholds { get; set; } = [80, 100];
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
}

/// <summary>An alert already sent, so each threshold alerts once per month and basis.</summary>
public sealed class CostBudgetAlert
{
    public long Id { get; set; }
    public Guid BudgetId { get; set; }
    public required string Month { get; set; }
    public int Threshold { get; set; }

    /// <summary>"actual" or "forecast".</summary>
    public required string Basis { get; set; }
    public DateTimeOffset SentAt { get; set; }
}

internal sealed class CostBudgetConfiguration : IEntityTypeConfiguration<CostBudget>, IEntityTypeConfiguration<CostBudgetAlert>
{
    public void Configure(EntityTypeBuilder<CostBudget> builder)
    {
        builder.ToTable("cost_budgets");
        builder.Property(b => b.MonthlyAmount).HasColumnType("numeric");
        builder.Property(b => b.Thresholds).HasJsonConversion();
        builder.HasIndex(b => new { b.Team, b.Component }).IsUnique();
    }

    public void Configure(EntityTypeBuilder<CostBudgetAlert> builder)
    {
        builder.ToTable("cost_budget_alerts");
        builder.Property(a => a.Id).UseIdentityAlwaysColumn();
        builder.HasIndex(a => new { a.BudgetId, a.Month, a.Threshold, a.Basis }).IsUnique();
    }
}

public sealed record BudgetAlert(int Threshold, string Basis, decimal Amount, decimal Percent);

public sealed record BudgetStatus(CostBudget Budget, decimal MonthToDate, decimal Forecast, IReadOnlyList<BudgetAlert> Alerts)
{
    public decimal PercentUsed => Budget.MonthlyAmount == 0 ? 0 : decimal.Round(MonthToDate / Budget.MonthlyAmount * 100, 1);
}

/// <summary>Budgets against month-to-date spend and a linear forecast to month end; pure, so tests can pin every number.</summary>
public static class BudgetMath
{
    /// <summary>Month-to-date spend projected over the whole month at the rate so far.</summary>
    public static decimal Forecast(decimal monthToDate, DateTime asOf)
    {
        var start = new DateTime(asOf.Year, asOf.Month, 1, 0, 0, 0, DateTimeKind.Utc);
        var elapsed = (decimal)(asOf - start).TotalDays;
        var days = DateTime.DaysInMonth(asOf.Year, asOf.Month);
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
        var monthStart = new DateTime(asOf.Year, asOf.Month, 1, 0, 0, 0, DateTimeKind.Utc);
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

    /// <summary>"Now" for budgets: the newest charge in the data when that is earlier than now (imports lag).</summary>
    public static async Task<DateTime> AsOfAsync(PortalDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var latest = await db.CostLineItems.MaxAsync(c => (DateTime?)c.ChargePeriodEnd, cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        return latest is { } l && l < now ? l : now;
    }
}

/// <summary>The recurring job <c>cost-budget-alerts</c>: sends each newly crossed threshold once per month and basis.</summary>
public sealed class CostBudgetAlertJob(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time, WebhookNotifier notifier)
{
    public const string RecurringId = "cost-budget-alerts";

    [DisableConcurrentExecution(300)]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var asOf = await BudgetMath.AsOfAsync(db, time, cancellationToken);
        var month = asOf.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        foreach (var status in await BudgetMath.StatusAsync(db, asOf, cancellationToken))
        {
            foreach (var alert in status.Alerts)
            {
                var sent = await db.CostBudgetAlerts.AnyAsync(a => a.BudgetId == status.Budget.Id && a.Month == month && a.Threshold == alert.Threshold
                    && a.Basis == alert.Basis, cancellationToken);
                if (sent)
                {
                    continue;
                }
                db.CostBudgetAlerts.Add(new CostBudgetAlert { BudgetId = status.Budget.Id, Month = month, Threshold = alert.Threshold, Basis = alert.Basis, SentAt = time.GetUtcNow() });
                AuditLog.Record(db, AuditActor.System, "cost.budget.alert", $"budget:{status.Budget.Team}", after: new { alert.Threshold, alert.Basis, alert.Amount });
                await db.SaveChangesAsync(cancellationToken);
                var what = status.Budget.Component ?? status.Budget.Team;
                await notifier.SendAsync(new Notification("cost.budget", $"Budget {alert.Threshold} % {(alert.Basis == "actual" ? "reached" : "forecast")}: {what}",
                    $"{what} {(alert.Basis == "actual" ? "has spent" : "is forecast to spend")} {alert.Amount:N2} {status.Budget.Currency} in {month}, " +
                    $"{alert.Percent} % of its {status.Budget.MonthlyAmount:N2} budget.", "/cost",
                    new Dictionary<string, string> { ["team"] = status.Budget.Team, ["threshold"] = alert.Threshold.ToString(System.Globalization.CultureInfo.InvariantCulture), ["basis"] = alert.Basis }),
                    cancellationToken);
            }
        }
    }
}
