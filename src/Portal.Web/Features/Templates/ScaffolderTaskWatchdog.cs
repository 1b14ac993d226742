using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Web.Data;
using Portal.Web.Features.Identity;
using Portal.Web.Infrastructure.Jobs;

namespace Portal.Web.Features.Templates;

/// <summary>
/// Finds tasks whose worker died (the portal stopped or was killed mid-run): queues them again, and fails them
/// with the reason once they have been taken up <see cref="TemplatesOptions.MaxRecoveries"/> times, so no task
/// stays "processing" for ever.
/// </summary>
public sealed class ScaffolderTaskWatchdog(
    IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time, IOptions<TemplatesOptions> options, IBackgroundJobClient jobs,
    ILogger<ScaffolderTaskWatchdog> logger) : PeriodicService(TimeSpan.FromSeconds(options.Value.WatchdogSeconds), logger)
{
    protected override Task RunOnceAsync(CancellationToken cancellationToken) => RecoverAsync(cancellationToken);

    public async Task<int> RecoverAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var stale = now.AddSeconds(-options.Value.StaleTaskSeconds);
        var lost = now.AddSeconds(-10 * options.Value.StaleTaskSeconds);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var tasks = await db.ScaffolderTasks
            .Where(t => (t.Status == ScaffolderTaskStatus.Processing && t.HeartbeatAt < stale) || (t.Status == ScaffolderTaskStatus.Open && t.CreatedAt < lost))
            .ToListAsync(cancellationToken);
        foreach (var task in tasks)
        {
            // Attempts counts the first run too: MaxRecoveries resumes are allowed after it.
            if (task.Attempts > options.Value.MaxRecoveries)
            {
                var step = task.Steps.FirstOrDefault(s => s.Status == StepStatus.Processing);
                task.Status = ScaffolderTaskStatus.Failed;
                task.FinishedAt = now;
                task.Error = $"The portal stopped {task.Attempts} times while running this task" + (step is null ? "" : $" (in step '{step.Name}')")
                    + "; it was given up. Retry it to carry on from there.";
                if (step is not null)
                {
                    step.Status = StepStatus.Failed;
                    db.Entry(task).Property(t => t.Steps).IsModified = true;
                }
                db.ScaffolderLogLines.Add(new ScaffolderLogLine { TaskId = task.Id, At = now, StepId = step?.Id, Level = "error", Message = task.Error });
                AuditLog.Record(db, AuditActor.System, "scaffolder.task.failed", task.Id.ToString(), outcome: "failure", after: new { task.TemplateRef, task.Error });
                continue;
            }
            logger.LogWarning("Scaffolder task {TaskId} lost its worker; queueing it again", task.Id);
            jobs.Enqueue<ScaffolderTaskJob>(j => j.RunAsync(task.Id, CancellationToken.None));
        }
        await db.SaveChangesAsync(cancellationToken);
        return tasks.Count;
    }
}
