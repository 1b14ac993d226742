using System.Security.Claims;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Environments.Drivers;
using Portal.Web.Features.Identity;
using Portal.Web.Infrastructure.Notifications;

namespace Portal.Web.Features.Environments;

/// <summary>
/// Requesting, approving and ending environments: one place where policy, ownership and the
/// lifecycle are enforced, used by the API and the pages alike. Each command is one transaction
/// with its audit record; jobs are enqueued after it commits.
/// </summary>
public sealed class EnvironmentService(
    IDbContextFactory<PortalDbContext> dbFactory,
    IBackgroundJobClient jobs,
    TimeProvider time,
    IOptions<EnvironmentsOptions> options,
    IEnumerable<IEnvironmentDriver> drivers,
    WebhookNotifier notifier)
{
    public EnvironmentPrices Prices => options.Value.Prices;

    public IReadOnlyList<string> DriverNames => drivers.Select(d => d.Name).ToList();

    /// <summary>The policy in force and its version; the first use stores the default policy as version 1.</summary>
    public static async Task<(int Version, EnvironmentPolicySet Policy)> LoadPolicyAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        var latest = await db.EnvironmentPolicyVersions.AsNoTracking().OrderByDescending(p => p.Version).FirstOrDefaultAsync(cancellationToken);
        if (latest is null)
        {
            db.EnvironmentPolicyVersions.Add(latest = new EnvironmentPolicyVersion
            {
                Version = 1, Yaml = EnvironmentPolicySet.DefaultYaml, CreatedAt = DateTimeOffset.UtcNow, CreatedBy = "portal", Comment = "Default policy",
            });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
            {
                db.ChangeTracker.Clear(); // another request stored it first
                latest = await db.EnvironmentPolicyVersions.AsNoTracking().OrderByDescending(p => p.Version).FirstAsync(cancellationToken);
            }
        }
        var (policy, errors) = EnvironmentPolicySet.Parse(latest.Yaml);
        return policy is null
            ? throw new InvalidOperationException($"Policy version {latest.Version} is invalid: {string.Join(" ", errors)}")
            : (latest.Version, policy);
    }

    public static async Task<ComponentFacts?> ComponentAsync(PortalDbContext db, string? reference, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(reference))
        {
            return null;
        }
        string key;
        try
        {
            key = EntityRef.Parse(reference, "component").ToString();
        }
        catch (FormatException)
        {
            return null;
        }
        var entity = await CatalogReads.Entities(db).Where(i => i.Ref == key && i.Kind == CatalogKinds.Component)
            .Select(i => new { i.Ref, i.Owner, i.Lifecycle, i.System, i.Description }).FirstOrDefaultAsync(cancellationToken);
        return entity is null ? null : new ComponentFacts(entity.Ref, entity.Owner, entity.Lifecycle, entity.System, entity.Description);
    }

    public static async Task<TeamUsage> UsageAsync(PortalDbContext db, string team, Guid? excluding, CancellationToken cancellationToken)
    {
        var live = db.Environments.Where(e => e.OwnerTeam == team && PortalEnvironment.Live.Contains(e.Status) && e.Id != excluding);
        var totals = await live.GroupBy(_ => 1).Select(g => new { Count = g.Count(), Cpu = g.Sum(e => e.Cpu), Memory = g.Sum(e => e.MemoryGi) })
            .FirstOrDefaultAsync(cancellationToken);
        return totals is null ? new TeamUsage(0, 0, 0) : new TeamUsage(totals.Count, totals.Cpu, totals.Memory);
    }

    /// <summary>Evaluates a request without acting on it (the form's live checks).</summary>
    public async Task<(PolicyOutcome Outcome, ComponentFacts? Component, TeamUsage Usage)> PreviewAsync(EnvironmentRequest request, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var (_, policy) = await LoadPolicyAsync(db, cancellationToken);
        var component = await ComponentAsync(db, request.Component, cancellationToken);
        var usage = component?.Owner is null ? new TeamUsage(0, 0, 0) : await UsageAsync(db, component.Owner, null, cancellationToken);
        return (PolicyEvaluator.Evaluate(policy, Ask(request), component, usage), component, usage);
    }

    private static EnvironmentAsk Ask(EnvironmentRequest r) => new(r.Name?.Trim(), r.Component, r.Type, r.Tier, r.Region, r.Ttl);

    public async Task<EnvironmentOutcome> RequestAsync(ClaimsPrincipal user, AuditActor actor, EnvironmentRequest request, CancellationToken cancellationToken)
    {
        var who = AccessFacts.From(user);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var target = $"environment:{request.Name}";
        if (!AccessRules.HasScope(who, PortalScopes.EnvironmentsWrite))
        {
            await AuditLog.WriteAsync(db, actor, "environment.request", target, "denied", cancellationToken);
            return EnvironmentOutcome.Forbidden("This token lacks the environments:write scope.");
        }
        var (version, policy) = await LoadPolicyAsync(db, cancellationToken);
        var component = await ComponentAsync(db, request.Component, cancellationToken);
        if (component is not null && !AccessRules.CanChangeOwnedBy(who, component.Owner))
        {
            await AuditLog.WriteAsync(db, actor, "environment.request", target, "denied", cancellationToken);
            return EnvironmentOutcome.Forbidden(
                $"Only members of {(component.Owner is null ? "the owning team" : PolicyEvaluator.NameOf(component.Owner))} (or admins) request environments for {component.Ref}.");
        }
        // One request per team at a time, so two concurrent requests cannot both fit the last slot of a quota.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await LockTeamAsync(db, component?.Owner, cancellationToken);
        var usage = component?.Owner is null ? new TeamUsage(0, 0, 0) : await UsageAsync(db, component.Owner, null, cancellationToken);
        var outcome = PolicyEvaluator.Evaluate(policy, Ask(request), component, usage);
        var violations = outcome.Violations.ToList();
        var driver = string.IsNullOrWhiteSpace(request.Driver) ? options.Value.DefaultDriver : request.Driver.Trim();
        if (!DriverNames.Contains(driver))
        {
            violations.Add(new PolicyViolation("driver", $"'{driver}' is not a driver; drivers: {string.Join(", ", DriverNames)}."));
        }
        var region = string.IsNullOrWhiteSpace(request.Region) && request.Type is not null && policy.Types.TryGetValue(request.Type, out var typePolicy)
            ? typePolicy.Regions.FirstOrDefault() : request.Region;
        var name = request.Name?.Trim() ?? "";
        if (violations.All(v => v.Field != "name") && await db.Environments.AnyAsync(e => e.Name == name && PortalEnvironment.Live.Contains(e.Status), cancellationToken))
        {
            violations.Add(new PolicyViolation("name", $"An environment named {name} already exists; choose another name."));
        }
        if (request.Parameters is { Count: > 50 } || request.Parameters?.Any(p => p.Key.Length > 100 || p.Value.Length > 2000) == true)
        {
            violations.Add(new PolicyViolation("parameters", "At most 50 parameters, keys up to 100 and values up to 2,000 characters."));
        }

        var now = time.GetUtcNow();
        db.PolicyDecisions.Add(new PolicyDecision
        {
            At = now, Stage = "request", Actor = actor.Name, Type = request.Type ?? "", ComponentRef = component?.Ref,
            PolicyVersion = version, Compliant = violations.Count == 0, Violations = violations,
        });
        if (violations.Count > 0)
        {
            AuditLog.Record(db, actor, "environment.request", target, "denied", after: new { request, violations });
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return EnvironmentOutcome.Invalid(violations);
        }

        var environment = new PortalEnvironment
        {
            Name = name,
            ComponentRef = component!.Ref,
            SystemRef = component.System,
            OwnerTeam = component.Owner!,
            Type = request.Type!,
            Tier = request.Tier!,
            Cpu = outcome.Tier!.Cpu,
            MemoryGi = outcome.Tier.MemoryGi,
            StorageGi = outcome.Tier.StorageGi,
            Region = region!,
            Driver = driver,
            Parameters = request.Parameters ?? [],
            MonthlyEstimate = PolicyEvaluator.MonthlyEstimate(outcome.Tier, Prices),
            Ttl = outcome.Ttl,
            // The bootstrap admin token has no user: it is its own requester.
            RequestedById = who.UserId ?? PersonName(user, actor),
            RequestedBy = PersonName(user, actor),
            ApprovalBy = outcome.ApprovalBy,
            Status = EnvironmentStatus.Requested,
            RequestedAt = now,
            UpdatedAt = now,
        };
        environment.Transitions.Add(new EnvironmentTransition { EnvironmentId = environment.Id, To = EnvironmentStatus.Requested, At = now, Actor = PersonName(user, actor) });
        db.Environments.Add(environment);
        db.PolicyDecisions.Local.Last().EnvironmentId = environment.Id;
        EnvironmentRun? run = null;
        if (outcome.ApprovalBy is null)
        {
            EnvironmentLifecycle.Move(environment, EnvironmentStatus.Approved, "policy", now, "No approval required for " + environment.Type);
            run = NewRun(db, environment, RunKind.Provision, now);
        }
        else
        {
            EnvironmentLifecycle.Move(environment, EnvironmentStatus.PendingApproval, "policy", now, $"{environment.Type} needs an {outcome.ApprovalBy}'s approval");
        }
        AuditLog.Record(db, actor, "environment.request", target, after: Snapshot(environment));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return EnvironmentOutcome.Invalid([new PolicyViolation("name", $"An environment named {name} already exists; choose another name.")]);
        }
        Enqueue(run);
        if (run is null)
        {
            await notifier.SendAsync(Notify(environment, "environment.approval-requested", $"Approval needed: {environment.Name}",
                $"{environment.RequestedBy} asks for a {environment.Type} environment {environment.Name} ({environment.Tier}, {environment.Region}) for {environment.ComponentRef}."), cancellationToken);
        }
        return EnvironmentOutcome.Done(environment);
    }

    public Task<EnvironmentOutcome> ApproveAsync(ClaimsPrincipal user, AuditActor actor, Guid id, string? comment, CancellationToken cancellationToken) =>
        DecideAsync(user, actor, id, comment, approve: true, cancellationToken);

    public Task<EnvironmentOutcome> RejectAsync(ClaimsPrincipal user, AuditActor actor, Guid id, string? comment, CancellationToken cancellationToken) =>
        DecideAsync(user, actor, id, comment, approve: false, cancellationToken);

    /// <summary>Whether this person may decide on this request (the pages ask the same question).</summary>
    public static string? WhyCannotDecide(AccessFacts who, PortalEnvironment environment)
    {
        if (!AccessRules.HasScope(who, PortalScopes.EnvironmentsWrite))
        {
            return "This token lacks the environments:write scope.";
        }
        if (who.UserId == environment.RequestedById)
        {
            return "You cannot approve or reject your own request; another approver must decide.";
        }
        if (!AccessRules.CanApprove(who, environment.RequestedById))
        {
            return "Only approvers decide on environment requests.";
        }
        return environment.ApprovalBy == "admin" && !who.IsAdmin ? "The policy wants a platform admin to decide on this request." : null;
    }

    private async Task<EnvironmentOutcome> DecideAsync(ClaimsPrincipal user, AuditActor actor, Guid id, string? comment, bool approve, CancellationToken cancellationToken)
    {
        var who = AccessFacts.From(user);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var environment = await LoadAsync(db, id, cancellationToken);
        var action = approve ? "environment.approve" : "environment.reject";
        if (environment is null)
        {
            return EnvironmentOutcome.Missing;
        }
        var target = $"environment:{environment.Name}";
        if (WhyCannotDecide(who, environment) is { } reason)
        {
            await AuditLog.WriteAsync(db, actor, action, target, "denied", cancellationToken);
            return EnvironmentOutcome.Forbidden(reason);
        }
        if (environment.Status != EnvironmentStatus.PendingApproval)
        {
            return EnvironmentOutcome.NotNow($"{environment.Name} is {environment.Status}, not waiting for approval.");
        }
        var now = time.GetUtcNow();
        EnvironmentRun? run = null;
        Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction? transaction = null;
        if (approve)
        {
            // The policy is checked again: quotas and rules may have changed since the request.
            var (version, policy) = await LoadPolicyAsync(db, cancellationToken);
            var component = await ComponentAsync(db, environment.ComponentRef, cancellationToken);
            transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await LockTeamAsync(db, environment.OwnerTeam, cancellationToken);
            var usage = await UsageAsync(db, environment.OwnerTeam, environment.Id, cancellationToken);
            var ask = new EnvironmentAsk(environment.Name, environment.ComponentRef, environment.Type, environment.Tier, environment.Region,
                environment.Ttl is { } ttl ? Ttl.Format(ttl) : null);
            var outcome = PolicyEvaluator.Evaluate(policy, ask, component, usage);
            var violations = outcome.Violations.Where(v => v.Field != "name").ToList();
            db.PolicyDecisions.Add(new PolicyDecision
            {
                At = now, Stage = "approval", Actor = actor.Name, Type = environment.Type, ComponentRef = environment.ComponentRef,
                EnvironmentId = environment.Id, PolicyVersion = version, Compliant = violations.Count == 0, Violations = violations,
            });
            if (violations.Count > 0)
            {
                AuditLog.Record(db, actor, action, target, "denied", after: new { violations });
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return EnvironmentOutcome.Invalid(violations);
            }
            EnvironmentLifecycle.Move(environment, EnvironmentStatus.Approved, PersonName(user, actor), now, comment);
            run = NewRun(db, environment, RunKind.Provision, now);
        }
        else
        {
            EnvironmentLifecycle.Move(environment, EnvironmentStatus.Rejected, PersonName(user, actor), now, comment);
        }
        environment.DecidedBy = PersonName(user, actor);
        environment.DecisionComment = comment;
        AuditLog.Record(db, actor, action, target, after: new { environment.Status, comment });
        if (!await SaveAsync(db, cancellationToken))
        {
            return EnvironmentOutcome.NotNow("Someone else changed this environment at the same moment; reload and try again.");
        }
        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
            await transaction.DisposeAsync();
        }
        Enqueue(run);
        await notifier.SendAsync(Notify(environment, action == "environment.approve" ? "environment.approved" : "environment.rejected",
            $"{environment.Name} {(approve ? "approved" : "rejected")}",
            $"{PersonName(user, actor)} {(approve ? "approved" : "rejected")} the {environment.Type} environment {environment.Name}" + (string.IsNullOrWhiteSpace(comment) ? "." : $": {comment}")),
            cancellationToken);
        return EnvironmentOutcome.Done(environment);
    }

    /// <summary>Extends the life: the new expiry is now + ttl, at most the policy's max TTL from now.</summary>
    public async Task<EnvironmentOutcome> ExtendAsync(ClaimsPrincipal user, AuditActor actor, Guid id, string? ttlText, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var environment = await LoadAsync(db, id, cancellationToken);
        if (environment is null)
        {
            return EnvironmentOutcome.Missing;
        }
        var target = $"environment:{environment.Name}";
        if (!MayChange(AccessFacts.From(user), environment))
        {
            await AuditLog.WriteAsync(db, actor, "environment.extend", target, "denied", cancellationToken);
            return EnvironmentOutcome.Forbidden($"Only members of {PolicyEvaluator.NameOf(environment.OwnerTeam)} (or admins) extend {environment.Name}.");
        }
        if (!EnvironmentLifecycle.CanExtend(environment.Status))
        {
            return EnvironmentOutcome.NotNow($"{environment.Name} is {environment.Status}; only a Ready or Expiring environment can be extended.");
        }
        var (_, policy) = await LoadPolicyAsync(db, cancellationToken);
        var max = policy.Types.TryGetValue(environment.Type, out var type) && Ttl.TryParse(type.MaxTtl, out var m) ? m : (TimeSpan?)null;
        if (!Ttl.TryParse(ttlText, out var ttl))
        {
            return EnvironmentOutcome.Invalid([new PolicyViolation("ttl", $"'{ttlText}' is not a duration; write e.g. 3d, 12h or P3D.")]);
        }
        if (max is { } limit && ttl > limit)
        {
            return EnvironmentOutcome.Invalid([new PolicyViolation("ttl", $"{environment.Type} environments live at most {Ttl.Format(limit)} from now; {Ttl.Format(ttl)} is longer.")]);
        }
        var now = time.GetUtcNow();
        var before = environment.ExpiresAt;
        environment.ExpiresAt = now + ttl;
        environment.WarningSentAt = null;
        if (environment.Status == EnvironmentStatus.Expiring)
        {
            EnvironmentLifecycle.Move(environment, EnvironmentStatus.Ready, PersonName(user, actor), now, $"Extended by {Ttl.Format(ttl)}");
        }
        environment.UpdatedAt = now;
        AuditLog.Record(db, actor, "environment.extend", target, before: new { ExpiresAt = before }, after: new { environment.ExpiresAt });
        return await SaveAsync(db, cancellationToken) ? EnvironmentOutcome.Done(environment)
            : EnvironmentOutcome.NotNow("Someone else changed this environment at the same moment; reload and try again.");
    }

    /// <summary>Cancels a request; during provisioning the run stops at its next step and what it made is torn down.</summary>
    public async Task<EnvironmentOutcome> CancelAsync(ClaimsPrincipal user, AuditActor actor, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var environment = await LoadAsync(db, id, cancellationToken);
        if (environment is null)
        {
            return EnvironmentOutcome.Missing;
        }
        var who = AccessFacts.From(user);
        var target = $"environment:{environment.Name}";
        if (!MayChange(who, environment) && who.UserId != environment.RequestedById)
        {
            await AuditLog.WriteAsync(db, actor, "environment.cancel", target, "denied", cancellationToken);
            return EnvironmentOutcome.Forbidden($"Only the requester or members of {PolicyEvaluator.NameOf(environment.OwnerTeam)} cancel {environment.Name}.");
        }
        if (!EnvironmentLifecycle.CanCancel(environment.Status))
        {
            return EnvironmentOutcome.NotNow($"{environment.Name} is {environment.Status}; there is nothing to cancel. Delete it instead.");
        }
        var now = time.GetUtcNow();
        if (environment.Status == EnvironmentStatus.Provisioning)
        {
            environment.CancelRequested = true;
            environment.UpdatedAt = now;
        }
        else
        {
            EnvironmentLifecycle.Move(environment, EnvironmentStatus.Cancelled, PersonName(user, actor), now);
            foreach (var queued in environment.Runs.Where(r => r.Status == RunStatus.Queued))
            {
                queued.Status = RunStatus.Cancelled;
                queued.FinishedAt = now;
            }
        }
        AuditLog.Record(db, actor, "environment.cancel", target, after: new { environment.Status, environment.CancelRequested });
        return await SaveAsync(db, cancellationToken) ? EnvironmentOutcome.Done(environment)
            : EnvironmentOutcome.NotNow("Someone else changed this environment at the same moment; reload and try again.");
    }

    /// <summary>Tears the environment down (a teardown run); the record stays, as Deleted, for the history.</summary>
    public async Task<EnvironmentOutcome> DeleteAsync(ClaimsPrincipal user, AuditActor actor, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var environment = await LoadAsync(db, id, cancellationToken);
        if (environment is null)
        {
            return EnvironmentOutcome.Missing;
        }
        var target = $"environment:{environment.Name}";
        if (!MayChange(AccessFacts.From(user), environment))
        {
            await AuditLog.WriteAsync(db, actor, "environment.delete", target, "denied", cancellationToken);
            return EnvironmentOutcome.Forbidden($"Only members of {PolicyEvaluator.NameOf(environment.OwnerTeam)} (or admins) delete {environment.Name}.");
        }
        if (environment.Status == EnvironmentStatus.Deleting)
        {
            return EnvironmentOutcome.Done(environment); // already on its way: asking twice is not an error
        }
        if (!EnvironmentLifecycle.CanDelete(environment.Status))
        {
            return EnvironmentOutcome.NotNow($"{environment.Name} is {environment.Status}; " +
                (EnvironmentLifecycle.CanCancel(environment.Status) ? "cancel it instead." : "there is nothing to delete."));
        }
        var now = time.GetUtcNow();
        EnvironmentLifecycle.Move(environment, EnvironmentStatus.Deleting, PersonName(user, actor), now, "Teardown requested");
        var run = NewRun(db, environment, RunKind.Teardown, now);
        AuditLog.Record(db, actor, "environment.delete", target, before: new { Status = EnvironmentStatus.Ready });
        if (!await SaveAsync(db, cancellationToken))
        {
            return EnvironmentOutcome.NotNow("Someone else changed this environment at the same moment; reload and try again.");
        }
        Enqueue(run);
        return EnvironmentOutcome.Done(environment);
    }

    /// <summary>A transaction-scoped advisory lock per team: quota checks and the insert they guard happen one at a time per team.</summary>
    private static async Task LockTeamAsync(PortalDbContext db, string? team, CancellationToken cancellationToken)
    {
        if (team is not null)
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtext({"environment-quota:" + team}))", cancellationToken);
        }
    }

    /// <summary>Members of the owning team and admins change an environment, with the environments:write scope.</summary>
    public static bool MayChange(AccessFacts who, PortalEnvironment environment) =>
        AccessRules.HasScope(who, PortalScopes.EnvironmentsWrite) && AccessRules.CanChangeOwnedBy(who, environment.OwnerTeam);

    public static Task<PortalEnvironment?> LoadAsync(PortalDbContext db, Guid id, CancellationToken cancellationToken) =>
        db.Environments.Include(e => e.Transitions).Include(e => e.Runs).AsSplitQuery().FirstOrDefaultAsync(e => e.Id == id, cancellationToken);

    public static EnvironmentRun NewRun(PortalDbContext db, PortalEnvironment environment, RunKind kind, DateTimeOffset now)
    {
        var run = new EnvironmentRun { EnvironmentId = environment.Id, Kind = kind, Status = RunStatus.Queued, QueuedAt = now };
        db.EnvironmentRuns.Add(run);
        return run;
    }

    public void Enqueue(EnvironmentRun? run)
    {
        if (run is not null)
        {
            jobs.Enqueue<EnvironmentRunJob>(j => j.RunAsync(run.Id, CancellationToken.None));
        }
    }

    private static async Task<bool> SaveAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            return false;
        }
    }

    /// <summary>The person behind a change (a token's owner rather than the token), as timelines show it.</summary>
    private static string PersonName(ClaimsPrincipal user, AuditActor actor) => user.Identity?.Name ?? actor.Name;

    private static object Snapshot(PortalEnvironment e) => new
    {
        e.Id, e.Name, e.ComponentRef, e.OwnerTeam, e.Type, e.Tier, e.Region, e.Driver, Ttl = e.Ttl?.ToString(), e.Status, e.MonthlyEstimate,
    };

    public static Notification Notify(PortalEnvironment e, string kind, string title, string message) => new(kind, title, message,
        $"/environments/{e.Id}", new Dictionary<string, string>
        {
            ["environment"] = e.Name, ["component"] = e.ComponentRef, ["team"] = e.OwnerTeam, ["type"] = e.Type, ["status"] = e.Status.ToString(),
            ["requestedBy"] = e.RequestedBy,
        });
}
