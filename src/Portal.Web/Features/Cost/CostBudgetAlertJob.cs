using Hangfire;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;
using Portal.Web.Features.Identity;
using Portal.Web.Infrastructure.Notifications;

namespace Portal.Web.Features.Cost;

/// <summary>The recurring job <c>cost-budget-alerts</c>: sends each newly crossed threshold once per month and basis.</summary>
public sealed class CostBudgetAlertJob(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time, WebhookNotifier notifier)
{
    public const string RecurringId = "cost-budget-alerts";

    [DisableConcurrentExecution(300)]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var asOf = await BudgetMath.AsOfAsync(db, time, cancellationToken);
        var month = BudgetMath.MonthStart(asOf).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
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
