using System.Text.Json;
using System.Text.Json.Nodes;
using Hangfire;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Web.Data;
using Portal.Web.Features.Identity;

namespace Portal.Web.Features.Templates;

/// <summary>
/// Runs a scaffolder task. Idempotent and re-entrant: it claims the task (open, or processing with a stale
/// heartbeat), re-runs the steps that only fill the workspace, skips side-effect steps that already completed
/// (their outputs are kept) and carries on from there.
/// </summary>
public sealed class ScaffolderTaskJob(
    IDbContextFactory<PortalDbContext> dbFactory,
    TemplateRunner runner,
    TimeProvider time,
    IDataProtectionProvider protection,
    IOptions<TemplatesOptions> options,
    ILogger<ScaffolderTaskJob> logger)
{
    public const string SecretsPurpose = "Portal.Scaffolder.Secrets";

    // A crashed task comes back through the watchdog (with a recovery count), not through Hangfire's retries.
    [AutomaticRetry(Attempts = 0)]
    [JobDisplayName("Scaffolder task {0}")]
    public async Task RunAsync(Guid taskId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var stale = now.AddSeconds(-options.Value.StaleTaskSeconds);
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var claimed = await db.ScaffolderTasks
                .Where(t => t.Id == taskId && (t.Status == ScaffolderTaskStatus.Open || (t.Status == ScaffolderTaskStatus.Processing && t.HeartbeatAt < stale)))
                .ExecuteUpdateAsync(s => s
                    .SetProperty(t => t.Status, ScaffolderTaskStatus.Processing)
                    .SetProperty(t => t.HeartbeatAt, now)
                    .SetProperty(t => t.StartedAt, t => t.StartedAt ?? now)
                    .SetProperty(t => t.Attempts, t => t.Attempts + 1), cancellationToken);
            if (claimed == 0)
            {
                logger.LogInformation("Scaffolder task {TaskId} is finished or running elsewhere", taskId);
                return;
            }
        }
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var heartbeatStop = new CancellationTokenSource();
        var heartbeat = HeartbeatAsync(taskId, stop, heartbeatStop.Token);
        try
        {
            await ExecuteAsync(taskId, stop.Token, cancellationToken);
        }
        finally
        {
            await heartbeatStop.CancelAsync();
            await heartbeat;
        }
    }

    private async Task ExecuteAsync(Guid taskId, CancellationToken stop, CancellationToken shutdown)
    {
        await using var db = await dbFactory.CreateDbContextAsync(shutdown);
        var task = await db.ScaffolderTasks.FirstAsync(t => t.Id == taskId, shutdown);
        var template = TemplateDefinition.FromEntity(JsonNode.Parse(task.TemplateDocument)!.AsObject(), task.TemplateSource) with { Trusted = task.TemplateTrusted };
        var secretNames = TemplateParameters.SecretNames(template.Pages);
        var values = JsonNode.Parse(task.Values)!.AsObject();
        var masker = new SecretMasker(values, secretNames);
        if (task.ProtectedSecrets is { } protectedSecrets)
        {
            try
            {
                foreach (var (name, value) in JsonNode.Parse(protection.CreateProtector(SecretsPurpose).Unprotect(protectedSecrets))!.AsObject())
                {
                    values[name] = value?.DeepClone();
                }
                masker = new SecretMasker(values, secretNames);
            }
            catch (System.Security.Cryptography.CryptographicException)
            {
                await FinishAsync(db, task, ScaffolderTaskStatus.Failed,
                    "The task's secret values can no longer be read (the portal's data-protection keys changed); create the task again.", null, shutdown);
                return;
            }
        }
        var log = new TaskLog(dbFactory, taskId, time, masker);
        if (task.Attempts > 1)
        {
            await log.WriteAsync(null, "info", $"Resuming (attempt {task.Attempts}): steps that changed something outside the workspace and completed are not repeated.", shutdown);
        }
        var user = await ScaffolderService.UserModelAsync(db, task.CreatedByUserRef, shutdown);
        var state = new RunState(values, user)
        {
            Portal = runner.PortalModel(),
            Requester = task.CreatedByUserId is { } requesterId ? new RunRequester(requesterId, task.CreatedByScopes, task.Id) : null,
        };
        var actor = new AuditActor("user", task.CreatedBy, null);
        foreach (var step in template.Steps)
        {
            var stepState = task.Steps.First(s => s.Id == step.Id);
            var action = runner.Find(step.Action);
            if (stepState.Status is StepStatus.Completed or StepStatus.Skipped && action is { HasSideEffects: true })
            {
                if (stepState.Output is { } kept)
                {
                    state.StepOutputs[step.Id] = JsonNode.Parse(kept)!.AsObject();
                }
                else if (stepState.Status == StepStatus.Skipped)
                {
                    state.SkippedSteps.Add(step.Id);
                }
                continue;
            }
            if (stop.IsCancellationRequested)
            {
                break;
            }
            var resumedPure = stepState.Status == StepStatus.Completed;
            stepState.Status = StepStatus.Processing;
            stepState.StartedAt = time.GetUtcNow();
            stepState.FinishedAt = null;
            await SaveStepsAsync(db, task, shutdown);
            if (!resumedPure)
            {
                await log.WriteAsync(step.Id, "info", $"Beginning step {step.Name}", shutdown);
            }
            var lines = new List<string>();
            try
            {
                var output = await runner.RunStepAsync(template, step, state, dryRun: false, taskId, actor, lines.Add, stop);
                await log.WriteAllAsync(step.Id, lines, shutdown);
                stepState.Status = output is null ? StepStatus.Skipped : StepStatus.Completed;
                stepState.Output = masker.MaskTree(output)?.ToJsonString();
                stepState.FinishedAt = time.GetUtcNow();
                await SaveStepsAsync(db, task, shutdown);
                if (!resumedPure)
                {
                    await log.WriteAsync(step.Id, "info", $"Finished step {step.Name}", shutdown);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested && !shutdown.IsCancellationRequested)
            {
                stepState.Status = StepStatus.Cancelled;
                stepState.FinishedAt = time.GetUtcNow();
                await log.WriteAllAsync(step.Id, lines, shutdown);
                await log.WriteAsync(step.Id, "error", "Cancelled.", shutdown);
                var byUser = await db.ScaffolderTasks.AsNoTracking().AnyAsync(t => t.Id == taskId && t.CancelRequested, shutdown);
                await FinishAsync(db, task, ScaffolderTaskStatus.Cancelled, byUser ? "Cancelled by a user." : "Cancelled by the portal.", null, shutdown);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !shutdown.IsCancellationRequested)
            {
                // Whatever went wrong, the task ends failed with the reason (never left "processing" for the watchdog).
                if (ex is not (TemplateRenderException or TemplateSecurityException or Infrastructure.Git.GitException or IOException
                    or HttpRequestException or UnauthorizedAccessException or JsonException))
                {
                    logger.LogError(ex, "Step {Step} of scaffolder task {TaskId} failed unexpectedly", step.Id, taskId);
                }
                stepState.Status = StepStatus.Failed;
                stepState.FinishedAt = time.GetUtcNow();
                await log.WriteAllAsync(step.Id, lines, shutdown);
                await log.WriteAsync(step.Id, "error", ex.Message, shutdown);
                await FinishAsync(db, task, ScaffolderTaskStatus.Failed, $"Step '{step.Name}' failed: {masker.Mask(ex.Message)}", null, shutdown);
                return;
            }
        }
        if (stop.IsCancellationRequested && !shutdown.IsCancellationRequested)
        {
            await FinishAsync(db, task, ScaffolderTaskStatus.Cancelled, "Cancelled by a user.", null, shutdown);
            return;
        }
        JsonObject? rendered;
        try
        {
            rendered = runner.RenderOutput(template, state);
        }
        catch (TemplateRenderException ex)
        {
            await FinishAsync(db, task, ScaffolderTaskStatus.Failed, "The template's output could not be rendered: " + masker.Mask(ex.Message), null, shutdown);
            return;
        }
        await log.WriteAsync(null, "info", "Completed.", shutdown);
        await FinishAsync(db, task, ScaffolderTaskStatus.Completed, null, masker.MaskTree(rendered) as JsonObject, shutdown);
    }

    private async Task FinishAsync(PortalDbContext db, ScaffolderTask task, string status, string? error, JsonObject? output, CancellationToken cancellationToken)
    {
        task.Status = status;
        task.Error = error;
        task.Output = output?.ToJsonString();
        task.FinishedAt = time.GetUtcNow();
        foreach (var step in task.Steps.Where(s => s.Status is StepStatus.Pending or StepStatus.Processing))
        {
            step.Status = status == ScaffolderTaskStatus.Cancelled ? StepStatus.Cancelled : StepStatus.Pending;
        }
        // Secrets are kept only while a run may still need them; a failed task keeps them for a retry.
        if (status != ScaffolderTaskStatus.Failed)
        {
            task.ProtectedSecrets = null;
        }
        db.Entry(task).Property(t => t.Steps).IsModified = true;
        AuditLog.Record(db, new AuditActor("user", task.CreatedBy, null), "scaffolder.task." + status, task.Id.ToString(),
            outcome: status == ScaffolderTaskStatus.Completed ? "success" : "failure", after: new { task.TemplateRef, error });
        await db.SaveChangesAsync(cancellationToken);
    }

    private static async Task SaveStepsAsync(PortalDbContext db, ScaffolderTask task, CancellationToken cancellationToken)
    {
        db.Entry(task).Property(t => t.Steps).IsModified = true;
        await db.SaveChangesAsync(cancellationToken);
    }

    // Keeps the heartbeat fresh and turns a cancel request into cancellation of the running step.
    private async Task HeartbeatAsync(Guid taskId, CancellationTokenSource stop, CancellationToken heartbeatStop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(1, options.Value.StaleTaskSeconds / 6.0)), time);
        try
        {
            while (await timer.WaitForNextTickAsync(heartbeatStop))
            {
                try
                {
                    await using var db = await dbFactory.CreateDbContextAsync(heartbeatStop);
                    await db.ScaffolderTasks.Where(t => t.Id == taskId).ExecuteUpdateAsync(s => s.SetProperty(t => t.HeartbeatAt, time.GetUtcNow()), heartbeatStop);
                    if (await db.ScaffolderTasks.AnyAsync(t => t.Id == taskId && t.CancelRequested, heartbeatStop))
                    {
                        await stop.CancelAsync();
                    }
                }
                catch (Exception ex) when (ex is DbUpdateException or Npgsql.NpgsqlException or InvalidOperationException)
                {
                    // One missed beat is not a lost worker; the next tick tries again.
                    logger.LogWarning(ex, "A heartbeat of scaffolder task {TaskId} failed", taskId);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>The task's log, written line by line as it runs (the page shows it live); secrets masked.</summary>
    private sealed class TaskLog(IDbContextFactory<PortalDbContext> dbFactory, Guid taskId, TimeProvider time, SecretMasker masker)
    {
        public async Task WriteAllAsync(string? stepId, List<string> lines, CancellationToken cancellationToken)
        {
            foreach (var line in lines)
            {
                await WriteAsync(stepId, "info", line, cancellationToken);
            }
            lines.Clear();
        }

        public async Task WriteAsync(string? stepId, string level, string message, CancellationToken cancellationToken)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            db.ScaffolderLogLines.Add(new ScaffolderLogLine
            {
                TaskId = taskId, StepId = stepId, Level = level, At = time.GetUtcNow(),
                Message = Truncate(masker.Mask(message)),
            });
            await db.SaveChangesAsync(cancellationToken);
        }

        private static string Truncate(string text) => text.Length <= 4000 ? text : text[..4000] + "…";
    }
}
