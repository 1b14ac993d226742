using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Web.Data;
using Portal.Web.Infrastructure.Jobs;

namespace Portal.Web.Features.Environments;

/// <summary>
/// Finds runs whose worker died (a crashed portal, a killed pod): a Running run whose heartbeat is
/// stale, or a Queued run never picked up, and queues it again. The run job's claim makes a
/// duplicate harmless.
/// </summary>
public sealed class EnvironmentRunWatchdog(
    IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time, IOptions<EnvironmentsOptions> options, IBackgroundJobClient jobs,
    ILogger<EnvironmentRunWatchdog> logger) : PeriodicService(TimeSpan.FromSeconds(options.Value.WatchdogSeconds), logger)
{
    protected override Task RunOnceAsync(CancellationToken cancellationToken) => RecoverAsync(cancellationToken);

    public async Task<int> RecoverAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var stale = now.AddSeconds(-options.Value.StaleRunSeconds);
        var lost = now.AddSeconds(-10 * options.Value.StaleRunSeconds);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var runs = await db.EnvironmentRuns.AsNoTracking()
            .Where(r => (r.Status == RunStatus.Running && r.HeartbeatAt < stale) || (r.Status == RunStatus.Queued && r.QueuedAt < lost))
            .Select(r => r.Id).ToListAsync(cancellationToken);
        foreach (var id in runs)
        {
            logger.LogWarning("Environment run {RunId} lost its worker; queueing it again", id);
            jobs.Enqueue<EnvironmentRunJob>(j => j.RunAsync(id, CancellationToken.None));
        }
        return runs.Count;
    }
}
