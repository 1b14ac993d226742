using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Web.Data;
using Portal.Web.Features.Environments.Drivers;
using Portal.Web.Infrastructure.Notifications;

namespace Portal.Web.Features.Environments;

/// <summary>Writes run log lines straight to the database, where the environment page reads them live.</summary>
internal sealed class DatabaseRunLog(IDbContextFactory<PortalDbContext> dbFactory, Guid runId, TimeProvider time, ILogger logger) : IRunLog
{
    public Task InfoAsync(string stepName, string message, CancellationToken cancellationToken) => WriteAsync(stepName, "info", message, cancellationToken);

    public Task WarningAsync(string stepName, string message, CancellationToken cancellationToken) => WriteAsync(stepName, "warning", message, cancellationToken);

    public Task ErrorAsync(string step, string message, CancellationToken cancellationToken) => WriteAsync(step, "error", message, cancellationToken);

    private async Task WriteAsync(string step, string level, string message, CancellationToken cancellationToken)
    {
        logger.LogInformation("Run {RunId} [{Step}] {Message}", runId, step, message);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.EnvironmentLogLines.Add(new EnvironmentLogLine
        {
            RunId = runId, At = time.GetUtcNow(), Step = step, Level = level, Message = message.Length > 4000 ? message[..4000] + "…" : message,
        });
        await db.SaveChangesAsync(cancellationToken);
    }
}

/// <summary>
/// Runs one provisioning or teardown run. Takes the run id, claims the run (so two workers never run
/// it together), keeps a heartbeat while it works (so the watchdog can tell a dead run from a slow
/// one), retries transient step failures with backoff, and stops when the run is cancelled.
/// Running it again for a finished run does nothing.
/// </summary>
public sealed class EnvironmentRunJob(
    IDbContextFactory<PortalDbContext> dbFactory,
    IEnumerable<IEnvironmentDriver> drivers,
    TimeProvider time,
    IOptions<EnvironmentsOptions> options,
    WebhookNotifier notifier,
    EnvironmentService environments,
    ILogger<EnvironmentRunJob> logger)
{
    // The job retries its own steps; a crashed run comes back through the watchdog, not Hangfire's retries.
    [AutomaticRetry(Attempts = 0)]
    [JobDisplayName("Environment run {0}")]
    public async Task RunAsync(Guid runId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var stale = now.AddSeconds(-options.Value.StaleRunSeconds);
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var claimed = await db.EnvironmentRuns
                .Where(r => r.Id == runId && (r.Status == RunStatus.Queued || (r.Status == RunStatus.Running && r.HeartbeatAt < stale)))
                .ExecuteUpdateAsync(s => s
                    .SetProperty(r => r.Status, RunStatus.Running)
                    .SetProperty(r => r.HeartbeatAt, now)
                    .SetProperty(r => r.StartedAt, r => r.StartedAt ?? now)
                    .SetProperty(r => r.Claims, r => r.Claims + 1), cancellationToken);
            if (claimed == 0)
            {
                logger.LogInformation("Run {RunId} is finished or running elsewhere; nothing to do", runId);
                return;
            }
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var heartbeatStop = new CancellationTokenSource();
        var heartbeat = HeartbeatAsync(runId, stop, heartbeatStop.Token);
        try
        {
            await ExecuteAsync(runId, stop, cancellationToken);
        }
        finally
        {
            await heartbeatStop.CancelAsync();
            await heartbeat;
        }
    }

    private async Task ExecuteAsync(Guid runId, CancellationTokenSource stop, CancellationToken shutdown)
    {
        await using var db = await dbFactory.CreateDbContextAsync(shutdown);
        var run = await db.EnvironmentRuns.FirstAsync(r => r.Id == runId, shutdown);
        var environment = (await EnvironmentService.LoadAsync(db, run.EnvironmentId, shutdown))!;
        var log = new DatabaseRunLog(dbFactory, runId, time, logger);
        if (run.Claims > 1)
        {
            await log.WarningAsync("resume", $"Resuming after an interruption (claim {run.Claims}); steps already done are found done.", shutdown);
        }
        var driver = drivers.FirstOrDefault(d => d.Name == environment.Driver);
        var spec = EnvironmentSpec.From(environment);
        try
        {
            if (driver is null)
            {
                throw new DriverException($"The driver '{environment.Driver}' is not available in this portal.");
            }
            if (run.Kind == RunKind.Provision)
            {
                if (environment.Status == EnvironmentStatus.Approved)
                {
                    EnvironmentLifecycle.Move(environment, EnvironmentStatus.Provisioning, "portal", time.GetUtcNow());
                    await db.SaveChangesAsync(shutdown);
                }
                if (environment.Status != EnvironmentStatus.Provisioning)
                {
                    await FinishAsync(db, run, RunStatus.Cancelled, $"The environment is {environment.Status}; nothing to provision.", shutdown);
                    return;
                }
                await log.InfoAsync("start", $"Provisioning {environment.Name} with the {driver.Name} driver ({environment.Type}, {environment.Tier}, {environment.Region}).", shutdown);
                var outputs = await WithRetriesAsync(() => driver.ProvisionAsync(spec, log, stop.Token), log, stop.Token);
                await db.Entry(environment).ReloadAsync(shutdown);
                if (environment.CancelRequested)
                {
                    throw new OperationCanceledException();
                }
                var now = time.GetUtcNow();
                environment.Outputs = new Dictionary<string, string>(outputs);
                EnvironmentLifecycle.Move(environment, EnvironmentStatus.Ready, "portal", now);
                environment.ExpiresAt = environment.Ttl is { } ttl ? now + ttl : null;
                await log.InfoAsync("ready", $"{environment.Name} is ready" + (environment.ExpiresAt is { } at ? $"; it expires {at:u}." : "."), shutdown);
                await FinishAsync(db, run, RunStatus.Succeeded, null, shutdown);
                await notifier.SendAsync(EnvironmentService.Notify(environment, "environment.ready", $"{environment.Name} is ready",
                    $"The {environment.Type} environment {environment.Name} for {environment.ComponentRef} is ready."), shutdown);
            }
            else
            {
                if (environment.Status != EnvironmentStatus.Deleting)
                {
                    await FinishAsync(db, run, RunStatus.Cancelled, $"The environment is {environment.Status}; nothing to tear down.", shutdown);
                    return;
                }
                await log.InfoAsync("start", $"Tearing down {environment.Name} with the {driver.Name} driver.", shutdown);
                await WithRetriesAsync(async () => { await driver.TeardownAsync(spec, log, stop.Token); return 0; }, log, stop.Token);
                EnvironmentLifecycle.Move(environment, EnvironmentStatus.Deleted, "portal", time.GetUtcNow());
                await log.InfoAsync("deleted", $"{environment.Name} is deleted.", shutdown);
                await FinishAsync(db, run, RunStatus.Succeeded, null, shutdown);
                await notifier.SendAsync(EnvironmentService.Notify(environment, "environment.deleted", $"{environment.Name} deleted",
                    $"The {environment.Type} environment {environment.Name} for {environment.ComponentRef} was torn down."), shutdown);
            }
        }
        catch (OperationCanceledException) when (!shutdown.IsCancellationRequested)
        {
            // Cancelled by its owners: stop, and tear down whatever the run made.
            db.ChangeTracker.Clear();
            environment = (await EnvironmentService.LoadAsync(db, run.EnvironmentId, shutdown))!;
            run = await db.EnvironmentRuns.FirstAsync(r => r.Id == runId, shutdown);
            await log.WarningAsync("cancel", "Cancelled; tearing down what was made.", shutdown);
            EnvironmentLifecycle.Move(environment, EnvironmentStatus.Deleting, "portal", time.GetUtcNow(), "Cancelled during provisioning");
            var teardown = EnvironmentService.NewRun(db, environment, RunKind.Teardown, time.GetUtcNow());
            await FinishAsync(db, run, RunStatus.Cancelled, "Cancelled by its owners.", shutdown);
            environments.Enqueue(teardown);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Run {RunId} of {Environment} failed", runId, environment.Name);
            db.ChangeTracker.Clear();
            environment = (await EnvironmentService.LoadAsync(db, run.EnvironmentId, shutdown))!;
            run = await db.EnvironmentRuns.FirstAsync(r => r.Id == runId, shutdown);
            await log.ErrorAsync("failed", ex.Message, shutdown);
            if (EnvironmentLifecycle.CanMove(environment.Status, EnvironmentStatus.Failed))
            {
                EnvironmentLifecycle.Move(environment, EnvironmentStatus.Failed, "portal", time.GetUtcNow(), ex.Message);
            }
            await FinishAsync(db, run, RunStatus.Failed, ex.Message, shutdown);
            await notifier.SendAsync(EnvironmentService.Notify(environment, "environment.failed", $"{environment.Name} failed",
                $"{(run.Kind == RunKind.Provision ? "Provisioning" : "Teardown")} of {environment.Name} failed: {ex.Message}"), shutdown);
        }
    }

    private async Task<T> WithRetriesAsync<T>(Func<Task<T>> step, DatabaseRunLog log, CancellationToken cancellationToken)
    {
        var attempts = options.Value.StepAttempts;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await step();
            }
            catch (Exception ex) when (ex is TransientDriverException or IOException && attempt < attempts)
            {
                var delay = TimeSpan.FromSeconds(options.Value.RetryBaseDelaySeconds * Math.Pow(2, attempt - 1));
                await log.WarningAsync("retry", $"Attempt {attempt} of {attempts} failed ({ex.Message}); retrying in {delay.TotalSeconds:0.#} s.", cancellationToken);
                await Task.Delay(delay, cancellationToken);
            }
        }
    }

    private async Task FinishAsync(PortalDbContext db, EnvironmentRun run, RunStatus status, string? error, CancellationToken cancellationToken)
    {
        run.Status = status;
        run.Error = error;
        run.FinishedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Beats while the run works, and turns the owners' cancel into a cancelled token.</summary>
    private async Task HeartbeatAsync(Guid runId, CancellationTokenSource stop, CancellationToken finished)
    {
        var interval = TimeSpan.FromSeconds(Math.Max(1, options.Value.StaleRunSeconds / 4.0));
        try
        {
            while (!finished.IsCancellationRequested)
            {
                await Task.Delay(interval, finished);
                await using var db = await dbFactory.CreateDbContextAsync(finished);
                var now = time.GetUtcNow();
                await db.EnvironmentRuns.Where(r => r.Id == runId && r.Status == RunStatus.Running)
                    .ExecuteUpdateAsync(s => s.SetProperty(r => r.HeartbeatAt, now), finished);
                var cancel = await db.EnvironmentRuns.Where(r => r.Id == runId)
                    .Join(db.Environments, r => r.EnvironmentId, e => e.Id, (r, e) => new { r.Kind, e.CancelRequested })
                    .FirstOrDefaultAsync(finished);
                if (cancel is { Kind: RunKind.Provision, CancelRequested: true })
                {
                    await stop.CancelAsync();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // the run finished
        }
    }
}
