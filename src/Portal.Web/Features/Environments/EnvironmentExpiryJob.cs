using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Web.Data;
using Portal.Web.Features.Identity;
using Portal.Web.Infrastructure.Notifications;

namespace Portal.Web.Features.Environments;

/// <summary>
/// The TTL sweep (recurring job <c>environments-expiry</c>): warns the owners before an environment
/// expires, then tears it down. Safe to run any number of times: each step moves the status on.
/// </summary>
public sealed class EnvironmentExpiryJob(
    IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time, IOptions<EnvironmentsOptions> options, WebhookNotifier notifier,
    EnvironmentService environments)
{
    public const string RecurringId = "environments-expiry";

    [AutomaticRetry(Attempts = 2)]
    [DisableConcurrentExecution(60)]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var warnFrom = now + options.Value.ExpiryWarning;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);

        var expiring = await db.Environments.Include(e => e.Transitions)
            .Where(e => e.Status == EnvironmentStatus.Ready && e.ExpiresAt != null && e.ExpiresAt <= warnFrom && e.ExpiresAt > now)
            .ToListAsync(cancellationToken);
        foreach (var environment in expiring)
        {
            EnvironmentLifecycle.Move(environment, EnvironmentStatus.Expiring, "portal", now, $"Expires {environment.ExpiresAt:u}");
            environment.WarningSentAt = now;
            AuditLog.Record(db, AuditActor.System, "environment.expiry-warning", $"environment:{environment.Name}", after: new { environment.ExpiresAt });
            await db.SaveChangesAsync(cancellationToken);
            await notifier.SendAsync(EnvironmentService.Notify(environment, "environment.expiring", $"{environment.Name} expires soon",
                $"The {environment.Type} environment {environment.Name} expires {environment.ExpiresAt:u} and will then be torn down. Extend it on its page to keep it."),
                cancellationToken);
        }

        var expired = await db.Environments.Include(e => e.Transitions)
            .Where(e => (e.Status == EnvironmentStatus.Ready || e.Status == EnvironmentStatus.Expiring) && e.ExpiresAt != null && e.ExpiresAt <= now)
            .ToListAsync(cancellationToken);
        foreach (var environment in expired)
        {
            EnvironmentLifecycle.Move(environment, EnvironmentStatus.Deleting, "portal", now, "Time to live ran out");
            var run = EnvironmentService.NewRun(db, environment, RunKind.Teardown, now);
            AuditLog.Record(db, AuditActor.System, "environment.expire", $"environment:{environment.Name}", after: new { environment.ExpiresAt });
            await db.SaveChangesAsync(cancellationToken);
            environments.Enqueue(run);
        }
    }
}
