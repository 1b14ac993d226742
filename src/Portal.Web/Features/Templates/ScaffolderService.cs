using System.Security.Claims;
using System.Text.Json.Nodes;
using Hangfire;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Identity;

namespace Portal.Web.Features.Templates;

/// <summary>Templates and tasks: one implementation for the API and the pages.</summary>
public sealed class ScaffolderService(
    IDbContextFactory<PortalDbContext> dbFactory,
    TemplateRunner runner,
    IBackgroundJobClient jobs,
    IDataProtectionProvider protection,
    TimeProvider time,
    IOptions<TemplatesOptions> options)
{
    public async Task<IReadOnlyList<TemplateSummary>> ListTemplatesAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var entities = await CatalogReads.DescriptorsWithSourceAsync(db, CatalogKinds.Template, entityRef: null, includeOrphans: false, cancellationToken);
        return entities.Select(e => TemplateDefinition.FromCatalog(e))
            .Select(t => new TemplateSummary(t.EntityRef, t.Namespace, t.Name, t.Title, t.Description, t.Tags, t.Owner, t.Type)).ToList();
    }

    public async Task<TemplateDefinition?> FindTemplateAsync(string ns, string name, CancellationToken cancellationToken)
    {
        var (definition, _) = await LoadAsync(new EntityRef("template", ns, name).ToString(), cancellationToken);
        return definition;
    }

    private async Task<(TemplateDefinition? Definition, CatalogDescriptor? Entity)> LoadAsync(string templateRef, CancellationToken cancellationToken)
    {
        EntityRef parsed;
        try
        {
            parsed = EntityRef.Parse(templateRef, defaultKind: "template");
        }
        catch (FormatException)
        {
            return (null, null);
        }
        var key = parsed.ToString();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var entity = await CatalogReads.DescriptorsWithSourceAsync(db, CatalogKinds.Template, key, includeOrphans: false, cancellationToken) is [var found, ..] ? found : null;
        return entity is null ? (null, null) : (TemplateDefinition.FromCatalog(entity), entity);
    }

    /// <summary>The data <c>${{ user.* }}</c> sees: the person's catalog User entity when there is one.</summary>
    public static async Task<JsonObject> UserModelAsync(PortalDbContext db, string? userRef, CancellationToken cancellationToken)
    {
        var user = new JsonObject { ["ref"] = userRef ?? "" };
        if (userRef is not null)
        {
            var descriptor = await CatalogReads.DescriptorAsync(db, userRef, kind: null, includeOrphans: true, cancellationToken);
            if (descriptor is not null)
            {
                user["entity"] = TemplateDefinition.Parse(descriptor);
            }
        }
        return user;
    }

    public async Task<DryRunOutcome> DryRunAsync(ClaimsPrincipal principal, string ns, string name, JsonObject? values, CancellationToken cancellationToken)
    {
        var (template, _) = await LoadAsync(new EntityRef("template", ns, name).ToString(), cancellationToken);
        if (template is null)
        {
            return new DryRunOutcome(null, [], true);
        }
        values = TemplateParameters.WithDefaults(template.Pages, values);
        var (errors, _) = await ValidateAsync(principal, template, values, cancellationToken);
        if (errors.Count > 0)
        {
            return new DryRunOutcome(null, errors, false);
        }
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var user = await UserModelAsync(db, principal.FindFirstValue(PortalClaims.CatalogUser), cancellationToken);
        try
        {
            var actor = AuditActor.From(principal, null);
            // A location the run registers acts for its requester through the task, as the real run's will.
            var registrant = LocationRegistrant.From(actor, AccessFacts.From(principal)) with { TaskId = Guid.Empty };
            var result = await runner.DryRunAsync(template, values, user, actor, TemplateParameters.SecretNames(template.Pages), cancellationToken, registrant,
                RunRequester.From(principal));
            return new DryRunOutcome(result, [], false);
        }
        catch (TemplateRenderException ex) when (ex.LimitExceeded)
        {
            return new DryRunOutcome(null, new() { ["template"] = [ex.Message] }, false);
        }
    }

    /// <summary>
    /// The one check of a run's values, for the dry run and the real run alike: the schema (types, patterns, no
    /// control characters in single-line text), then the pickers against the catalog and the requester's teams.
    /// </summary>
    private async Task<(Dictionary<string, string[]> Errors, int PickersRefused)> ValidateAsync(ClaimsPrincipal principal, TemplateDefinition template,
        JsonObject values, CancellationToken cancellationToken)
    {
        var errors = TemplateParameters.Validate(template.Pages, values);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var refused = await TemplatePickers.ValidateAsync(db, AccessFacts.From(principal), template.Pages, values, errors, cancellationToken);
        return (errors, refused);
    }

    /// <summary>
    /// The dry run, before a real task exists: when a step that would change something outside the workspace (a
    /// publisher, catalog:register) would fail (the repository exists, the name is taken, the descriptor is refused), the
    /// task is refused with the dry run's own message, so nothing is left half-made. Failures of the steps before them
    /// fail the task in its run, before any side effect, as before.
    /// </summary>
    private async Task<string?> PreflightAsync(ClaimsPrincipal principal, TemplateDefinition template, JsonObject values, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var user = await UserModelAsync(db, principal.FindFirstValue(PortalClaims.CatalogUser), cancellationToken);
        var actor = AuditActor.From(principal, null);
        var registrant = LocationRegistrant.From(actor, AccessFacts.From(principal)) with { TaskId = Guid.Empty };
        DryRunResult result;
        try
        {
            result = await runner.DryRunAsync(template, values, user, actor, TemplateParameters.SecretNames(template.Pages), cancellationToken, registrant,
                RunRequester.From(principal));
        }
        catch (TemplateRenderException ex) when (ex.LimitExceeded)
        {
            // Past a render limit: the run itself fails with the limit named (see the dry run), nothing is made.
            return null;
        }
        var failed = result.Steps.FirstOrDefault(s => s.Status == StepStatus.Failed);
        var step = failed is null ? null : template.Steps.FirstOrDefault(s => s.Id == failed.Id);
        if (step is null || runner.Find(step.Action) is not { HasSideEffects: true })
        {
            // The dry run passed (or fails before any side effect, which the run reports): a publisher this portal has no
            // configuration for would still fail after the steps before it, so the task is refused now.
            var unconfigured = template.Steps.Select(s => (s.Name, Problem: runner.Find(s.Action)?.NotConfigured)).FirstOrDefault(s => s.Problem is not null);
            return unconfigured.Problem is null ? null : $"Step '{unconfigured.Name}' cannot run here: {unconfigured.Problem}";
        }
        var message = result.Log.LastOrDefault(l => l.StepId == step.Id && l.Level == "error")?.Message ?? "the step would fail.";
        return $"Step '{step.Name}' would fail: {message}";
    }

    public async Task<TaskCreated> CreateTaskAsync(ClaimsPrincipal principal, string? templateRef, JsonObject? values, string? ip, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(templateRef))
        {
            return new TaskCreated(null, new() { ["templateRef"] = ["templateRef is required, e.g. template:default/aspnet-service."] }, false);
        }
        var (template, entity) = await LoadAsync(templateRef, cancellationToken);
        if (template is null || entity is null)
        {
            return new TaskCreated(null, [], true);
        }
        values = TemplateParameters.WithDefaults(template.Pages, values);
        var (errors, pickersRefused) = await ValidateAsync(principal, template, values, cancellationToken);
        var problems = runner.Check(template);
        if (problems.Count > 0)
        {
            errors["templateRef"] = [.. problems];
        }
        var owner = TaskOwner.Of(principal);
        if (errors.Count == 0)
        {
            // A first look before the dry run below, which can be costly; the count that decides is the one under the lock.
            await using var look = await dbFactory.CreateDbContextAsync(cancellationToken);
            if (ActiveTaskLimit.Check(await owner.ActiveAsync(look, cancellationToken), options.Value.MaxActiveTasksPerUser) is { } early)
            {
                return new TaskCreated(null, [], false, early);
            }
        }
        if (errors.Count > 0)
        {
            if (pickersRefused > 0)
            {
                // An owner or entity the requester may not use is a refused act, not a typo: it goes to the audit log.
                await using var audit = await dbFactory.CreateDbContextAsync(cancellationToken);
                AuditLog.Record(audit, AuditActor.From(principal, ip), "scaffolder.task.create", template.EntityRef, "denied",
                    after: new { values = SecretMasker.Masked(values, TemplateParameters.SecretNames(template.Pages)), errors });
                await audit.SaveChangesAsync(cancellationToken);
            }
            return new TaskCreated(null, errors, false);
        }
        if (await PreflightAsync(principal, template, values, cancellationToken) is { } refusal)
        {
            return new TaskCreated(null, new() { ["template"] = [refusal] }, false);
        }
        var secretNames = TemplateParameters.SecretNames(template.Pages);
        var secrets = new JsonObject(secretNames.Where(n => values.ContainsKey(n)).Select(n => KeyValuePair.Create(n, values[n]?.DeepClone())));
        var actor = AuditActor.From(principal, ip);
        var requester = AccessFacts.From(principal);
        var task = new ScaffolderTask
        {
            TemplateRef = template.EntityRef,
            TemplateTitle = template.Title,
            // The very document the values were checked against (see TemplateDefinition.DocumentOf).
            TemplateDocument = TemplateDefinition.DocumentOf(entity).ToJsonString(),
            TemplateSource = entity.Source,
            TemplateTrusted = entity.TrustedForIdentity,
            Values = SecretMasker.Masked(values, secretNames).ToJsonString(),
            ProtectedSecrets = secrets.Count == 0 ? null : protection.CreateProtector(ScaffolderTaskJob.SecretsPurpose).Protect(secrets.ToJsonString()),
            Steps = template.Steps.Select(s => new TaskStepState { Id = s.Id, Name = s.Name, Action = s.Action }).ToList(),
            CreatedBy = actor.Name,
            CreatedByUserId = principal.FindFirstValue(ClaimTypes.NameIdentifier),
            CreatedByScopes = RunRequester.From(principal)?.Scopes?.ToArray(),
            CreatedByUserRef = principal.FindFirstValue(PortalClaims.CatalogUser),
            CreatedByTeams = [.. requester.Teams.Order(StringComparer.Ordinal)],
            CreatedByAdmin = requester.IsAdmin,
            CreatedAt = time.GetUtcNow(),
        };
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // The count and the insert under one lock per person: parallel requests are counted one after another, never past the limit.
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            await owner.LockAsync(db, cancellationToken);
            if (ActiveTaskLimit.Check(await owner.ActiveAsync(db, cancellationToken), options.Value.MaxActiveTasksPerUser) is { } overLimit)
            {
                return new TaskCreated(null, [], false, overLimit);
            }
            db.ScaffolderTasks.Add(task);
            AuditLog.Record(db, actor, "scaffolder.task.create", task.Id.ToString(), after: new { task.TemplateRef, values = JsonNode.Parse(task.Values) });
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        jobs.Enqueue<ScaffolderTaskJob>(j => j.RunAsync(task.Id, CancellationToken.None));
        return new TaskCreated(task.Id, [], false);
    }

    public async Task<TaskView?> GetTaskAsync(Guid id, long afterLogId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var task = await db.ScaffolderTasks.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (task is null)
        {
            return null;
        }
        var log = await db.ScaffolderLogLines.AsNoTracking().Where(l => l.TaskId == id && l.Id > afterLogId).OrderBy(l => l.Id).Take(5000)
            .Select(l => new TaskLogView(l.Id, l.At, l.StepId, l.Level, l.Message)).ToListAsync(cancellationToken);
        return View(task, log);
    }

    /// <summary>Cancelling or retrying a task is for the person who started it (browser or token), or an admin.</summary>
    public async Task<bool> MayChangeAsync(ClaimsPrincipal user, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var owner = await db.ScaffolderTasks.AsNoTracking().Where(t => t.Id == id).Select(t => new { t.CreatedByUserId }).FirstOrDefaultAsync(cancellationToken);
        return owner is null || (owner.CreatedByUserId is { } id2 && id2 == user.FindFirstValue(ClaimTypes.NameIdentifier))
            || AccessRules.CanAdminister(AccessFacts.From(user));
    }

    /// <summary>
    /// Whose tasks count together for <see cref="ActiveTaskLimit"/>: the person's user id (browser and tokens alike), or, for
    /// a caller without one (the bootstrap token), the name the tasks record.
    /// </summary>
    private sealed record TaskOwner(string? UserId, string Name)
    {
        public static TaskOwner Of(ClaimsPrincipal principal) =>
            new(principal.FindFirstValue(ClaimTypes.NameIdentifier), AuditActor.From(principal, null).Name);

        /// <summary>A transaction-level advisory lock per person: a count and the change it guards happen one at a time per person.</summary>
        public Task LockAsync(PortalDbContext db, CancellationToken cancellationToken) =>
            db.Database.TakeTransactionLockAsync("scaffolder-active:" + (UserId ?? "name:" + Name), cancellationToken);

        /// <summary>The person's queued or running tasks.</summary>
        public Task<int> ActiveAsync(PortalDbContext db, CancellationToken cancellationToken)
        {
            var mine = UserId is { } userId
                ? db.ScaffolderTasks.Where(t => t.CreatedByUserId == userId)
                : db.ScaffolderTasks.Where(t => t.CreatedByUserId == null && t.CreatedBy == Name);
            return mine.CountAsync(t => t.Status == ScaffolderTaskStatus.Open || t.Status == ScaffolderTaskStatus.Processing, cancellationToken);
        }
    }

    public static TaskView View(ScaffolderTask task, IReadOnlyList<TaskLogView> log) =>
        new(task.Id, task.TemplateRef, task.TemplateTitle, task.Status, task.CreatedBy, task.CreatedAt, task.StartedAt, task.FinishedAt, task.Attempts,
            JsonNode.Parse(task.Values)!.AsObject(), task.Steps, task.Output is null ? null : JsonNode.Parse(task.Output)!.AsObject(), task.Error, log);

    /// <summary>Recent tasks, newest first; <paramref name="userId"/> narrows them to one person's (browser and tokens alike).</summary>
    public async Task<IReadOnlyList<TaskView>> ListTasksAsync(string? userId, int limit, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = db.ScaffolderTasks.AsNoTracking();
        if (!string.IsNullOrEmpty(userId))
        {
            query = query.Where(t => t.CreatedByUserId == userId);
        }
        var tasks = await query.OrderByDescending(t => t.CreatedAt).Take(Math.Clamp(limit, 1, 500)).ToListAsync(cancellationToken);
        return tasks.Select(t => View(t, [])).ToList();
    }

    /// <summary>Cancels a task: an open one at once, a processing one at its next heartbeat. False when it already finished.</summary>
    public async Task<bool?> CancelAsync(ClaimsPrincipal principal, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var task = await db.ScaffolderTasks.FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (task is null)
        {
            return null;
        }
        if (ScaffolderTaskStatus.IsFinished(task.Status))
        {
            return false;
        }
        task.CancelRequested = true;
        if (task.Status == ScaffolderTaskStatus.Open)
        {
            task.Status = ScaffolderTaskStatus.Cancelled;
            task.FinishedAt = time.GetUtcNow();
            task.ProtectedSecrets = null;
            foreach (var step in task.Steps)
            {
                step.Status = StepStatus.Cancelled;
            }
            db.Entry(task).Property(t => t.Steps).IsModified = true;
        }
        AuditLog.Record(db, AuditActor.From(principal, null), "scaffolder.task.cancel", id.ToString());
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Runs a failed or cancelled task again from the step that did not complete. False when it cannot be retried; a
    /// refusal when the person who started it already has <see cref="TemplatesOptions.MaxActiveTasksPerUser"/> unfinished
    /// tasks (a retried task is unfinished again, so retries count as new runs do).
    /// </summary>
    public async Task<(bool? Retried, ActiveTasksRefusal? OverLimit)> RetryAsync(ClaimsPrincipal principal, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var owner = await db.ScaffolderTasks.AsNoTracking().Where(t => t.Id == id).Select(t => new TaskOwner(t.CreatedByUserId, t.CreatedBy))
            .FirstOrDefaultAsync(cancellationToken);
        if (owner is null)
        {
            return (null, null);
        }
        await owner.LockAsync(db, cancellationToken);
        var task = await db.ScaffolderTasks.FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (task is null)
        {
            return (null, null);
        }
        var template = TemplateDefinition.FromEntity(JsonNode.Parse(task.TemplateDocument)!.AsObject(), task.TemplateSource);
        var needsSecrets = TemplateParameters.SecretNames(template.Pages).Count > 0 && task.ProtectedSecrets is null
            && JsonNode.Parse(task.Values)!.AsObject().Any(v => v.Value?.ToString() == SecretMasker.Placeholder);
        if (task.Status != ScaffolderTaskStatus.Failed && task.Status != ScaffolderTaskStatus.Cancelled || needsSecrets)
        {
            return (false, null);
        }
        if (ActiveTaskLimit.Check(await owner.ActiveAsync(db, cancellationToken), options.Value.MaxActiveTasksPerUser) is { } refusal)
        {
            return (null, refusal);
        }
        foreach (var step in task.Steps.Where(s => s.Status is StepStatus.Failed or StepStatus.Cancelled or StepStatus.Processing))
        {
            step.Status = StepStatus.Pending;
            step.FinishedAt = null;
        }
        db.Entry(task).Property(t => t.Steps).IsModified = true;
        task.Status = ScaffolderTaskStatus.Open;
        task.Error = null;
        task.FinishedAt = null;
        task.CancelRequested = false;
        task.Attempts = 0;
        db.ScaffolderLogLines.Add(new ScaffolderLogLine { TaskId = id, At = time.GetUtcNow(), Level = "info", Message = $"Retried by {principal.Identity?.Name}." });
        AuditLog.Record(db, AuditActor.From(principal, null), "scaffolder.task.retry", id.ToString());
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        jobs.Enqueue<ScaffolderTaskJob>(j => j.RunAsync(id, CancellationToken.None));
        return (true, null);
    }
}
