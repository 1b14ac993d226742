using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Identity;

namespace Portal.Web.Features.Incidents;

/// <summary>What became of an incident command.</summary>
public enum IncidentOutcome
{
    Done,
    NotFound,
    Forbidden,
    Conflict,

    /// <summary>The person has declared as many incidents in the last hour as <see cref="DeclarationRate"/> allows.</summary>
    TooMany,
}

/// <summary>
/// The incident changes the API and the incident page both make, with the same rules: the component's team (from the
/// catalog) or an admin, forward-only statuses, audited, and the receivers told of acknowledgements and resolutions.
/// </summary>
public static class IncidentCommands
{
    /// <summary>Moves an incident; the problem says why a <see cref="IncidentOutcome.Conflict"/>. Resolving drafts the postmortem with the timeline.</summary>
    public static async Task<(IncidentOutcome Outcome, string? Problem)> MoveAsync(PortalDbContext db, ClaimsPrincipal user, AuditActor actor,
        IncidentNotifier notifier, DateTimeOffset now, Guid id, string to, CancellationToken ct)
    {
        var incident = await db.Set<Incident>().FirstOrDefaultAsync(i => i.Id == id, ct);
        if (incident is null)
        {
            return (IncidentOutcome.NotFound, null);
        }
        if (!await IncidentQueries.MayActAsync(db, user, incident.ComponentRef, ct))
        {
            AuditLog.Record(db, actor, $"incident.{to}", id.ToString(), "denied");
            await db.SaveChangesAsync(ct);
            return (IncidentOutcome.Forbidden, null);
        }
        if (IncidentLifecycle.Problem(incident, to) is { } problem)
        {
            return (IncidentOutcome.Conflict, problem);
        }
        // The person, without the token id the audit entry carries.
        var mitigatedAt = incident.MitigatedAt;
        db.Add(IncidentLifecycle.Move(incident, to, user.Identity?.Name ?? actor.Name, now));
        AuditLog.Record(db, actor, $"incident.{to}", id.ToString());
        await db.SaveChangesAsync(ct);
        if (incident.MitigatedAt != mitigatedAt)
        {
            await notifier.ChangedAsync([incident], ct); // restored: Delivery's time to restore
        }
        if (to == IncidentLifecycle.Resolved && incident.Postmortem is null)
        {
            // Drafted now, with the whole timeline, for the team to complete.
            incident.Postmortem = IncidentPostmortem.Draft((await IncidentQueries.GetAsync(db, id, ct))!);
            await db.SaveChangesAsync(ct);
        }
        var action = to switch { IncidentLifecycle.Acknowledged => "acknowledge", IncidentLifecycle.Resolved => "resolve", _ => null };
        if (action is not null)
        {
            var owner = await CatalogReads.OwnerOfAsync(db, incident.ComponentRef, ct);
            await notifier.SendAsync(new IncidentMessage(action, incident, owner, incident.Title, null, new Dictionary<string, string>(),
                notifier.Link($"/incidents/{incident.Id}")), ct);
        }
        return (IncidentOutcome.Done, null);
    }

    /// <summary>Ticks or unticks a checklist task (<paramref name="task"/> checked by the caller); a tick that changes nothing records nothing.</summary>
    public static async Task<IncidentOutcome> CheckAsync(PortalDbContext db, ClaimsPrincipal user, AuditActor actor, DateTimeOffset now, Guid id,
        string task, bool done, CancellationToken ct)
    {
        var incident = await db.Set<Incident>().FirstOrDefaultAsync(i => i.Id == id, ct);
        if (incident is null)
        {
            return IncidentOutcome.NotFound;
        }
        if (!await IncidentQueries.MayActAsync(db, user, incident.ComponentRef, ct))
        {
            AuditLog.Record(db, actor, "incident.checklist", id.ToString(), "denied");
            await db.SaveChangesAsync(ct);
            return IncidentOutcome.Forbidden;
        }
        if (done != incident.ChecklistDone.Contains(task))
        {
            incident.ChecklistDone = done ? [.. incident.ChecklistDone, task] : incident.ChecklistDone.Where(t => t != task).ToList();
            db.Add(new IncidentEvent { IncidentId = id, At = now, Kind = "checklist", Actor = user.Identity?.Name ?? actor.Name,
                Text = $"{(done ? "Ticked" : "Unticked")} '{task}' on the checklist." });
            AuditLog.Record(db, actor, "incident.checklist", id.ToString(), after: new { task, done });
            await db.SaveChangesAsync(ct);
        }
        return IncidentOutcome.Done;
    }

    /// <summary>Saves the postmortem's Markdown (length checked by the caller against <see cref="IncidentPostmortem.MaxLength"/>), the team's or an admin's, audited.</summary>
    public static async Task<IncidentOutcome> SavePostmortemAsync(PortalDbContext db, ClaimsPrincipal user, AuditActor actor, Guid id, string markdown,
        CancellationToken ct)
    {
        var incident = await db.Set<Incident>().FirstOrDefaultAsync(i => i.Id == id, ct);
        if (incident is null)
        {
            return IncidentOutcome.NotFound;
        }
        if (!await IncidentQueries.MayActAsync(db, user, incident.ComponentRef, ct))
        {
            AuditLog.Record(db, actor, "incident.postmortem", id.ToString(), "denied");
            await db.SaveChangesAsync(ct);
            return IncidentOutcome.Forbidden;
        }
        incident.Postmortem = markdown;
        AuditLog.Record(db, actor, "incident.postmortem", id.ToString());
        await db.SaveChangesAsync(ct);
        return IncidentOutcome.Done;
    }

    /// <summary>
    /// Adds a comment (Markdown, checked by the caller with <see cref="IncidentInput.CommentProblem"/>) to the timeline
    /// under the person's name: the owning team's or an admin's, like every other change to the incident; audited.
    /// </summary>
    public static async Task<IncidentOutcome> CommentAsync(PortalDbContext db, ClaimsPrincipal user, AuditActor actor, DateTimeOffset now, Guid id,
        string text, CancellationToken ct)
    {
        var incident = await db.Set<Incident>().AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, ct);
        if (incident is null)
        {
            return IncidentOutcome.NotFound;
        }
        if (!await IncidentQueries.MayActAsync(db, user, incident.ComponentRef, ct))
        {
            AuditLog.Record(db, actor, "incident.comment", id.ToString(), "denied");
            await db.SaveChangesAsync(ct);
            return IncidentOutcome.Forbidden;
        }
        db.Add(new IncidentEvent { IncidentId = id, At = now, Kind = Comment, Actor = user.Identity?.Name ?? actor.Name, Text = text.Trim() });
        AuditLog.Record(db, actor, "incident.comment", id.ToString());
        await db.SaveChangesAsync(ct);
        return IncidentOutcome.Done;
    }

    /// <summary>The timeline kind of a comment (its text is Markdown, rendered safely).</summary>
    public const string Comment = "comment";

    /// <summary>
    /// Makes <paramref name="userName"/> (a user name, see <see cref="IncidentInput.UserName"/>) the commander, or clears
    /// the role when null: the owning team's or an admin's; the commander must be a member of the owning team in the
    /// catalog (<see cref="IncidentOutcome.Conflict"/> with the reason otherwise). The timeline says who handed it to whom.
    /// </summary>
    public static async Task<(IncidentOutcome Outcome, string? Problem)> AssignCommanderAsync(PortalDbContext db, ClaimsPrincipal user, AuditActor actor,
        DateTimeOffset now, Guid id, string? userName, CancellationToken ct)
    {
        var incident = await db.Set<Incident>().FirstOrDefaultAsync(i => i.Id == id, ct);
        if (incident is null)
        {
            return (IncidentOutcome.NotFound, null);
        }
        if (!await IncidentQueries.MayActAsync(db, user, incident.ComponentRef, ct))
        {
            AuditLog.Record(db, actor, "incident.commander", id.ToString(), "denied");
            await db.SaveChangesAsync(ct);
            return (IncidentOutcome.Forbidden, null);
        }
        string? display = null;
        if (userName is not null)
        {
            var owner = await CatalogReads.OwnerOfAsync(db, incident.ComponentRef, ct);
            var member = owner is null ? null : (await CatalogReads.MembersOfAsync(db, owner, ct)).FirstOrDefault(p => p.Name.Equals(userName, StringComparison.OrdinalIgnoreCase));
            if (member is null)
            {
                return (IncidentOutcome.Conflict, owner is null
                    ? "The component has no owning team in the catalog, so there is nobody to pick a commander from."
                    : $"'{userName}' is not a member of {owner} in the catalog; the commander is one of the owning team's members.");
            }
            userName = member.Name;
            display = member.DisplayName;
        }
        if (string.Equals(incident.Commander, userName, StringComparison.OrdinalIgnoreCase))
        {
            return (IncidentOutcome.Done, null); // nothing changes, nothing recorded
        }
        var by = user.Identity?.Name ?? actor.Name;
        var before = incident.Commander;
        incident.Commander = userName;
        db.Add(new IncidentEvent
        {
            IncidentId = id, At = now, Kind = "commander", Actor = by,
            Text = userName is null ? $"Commander {before} stood down; nobody commands now." : before is null ? $"{display} ({userName}) is the commander." : $"Command handed from {before} to {display} ({userName}).",
        });
        AuditLog.Record(db, actor, "incident.commander", id.ToString(), before: new { commander = before }, after: new { commander = userName });
        await db.SaveChangesAsync(ct);
        return (IncidentOutcome.Done, null);
    }

    /// <summary>
    /// Declares an incident on a component by hand (input checked with <see cref="IncidentInput.DeclareProblems"/>): anyone
    /// who may write to the catalog declares for any component they can read, as in PagerDuty and Backstage; acting on it
    /// stays the owning team's. It records the dependents, pages the team's on-call for page severity and is routed to the
    /// receivers like an alert-opened one. <see cref="IncidentOutcome.NotFound"/> when no such component is in the catalog;
    /// <see cref="IncidentOutcome.TooMany"/> (with the refusal) when the person already declared
    /// <paramref name="maxPerHour"/> incidents in the last hour: counted from the stored incidents under a lock per person,
    /// so parallel requests, restarts and other replicas do not get past it.
    /// </summary>
    public static async Task<(IncidentOutcome Outcome, Incident? Incident, DeclarationRefusal? Refusal)> DeclareAsync(PortalDbContext db, ClaimsPrincipal user,
        AuditActor actor, IncidentNotifier notifier, DateTimeOffset now, int maxPerHour, string componentRef, string title, string severity, string? summary,
        CancellationToken ct)
    {
        var component = componentRef.Trim().ToLowerInvariant();
        if (!await CatalogReads.ExistsAsync(db, component, CatalogKinds.Component, ct))
        {
            return (IncidentOutcome.NotFound, null, null);
        }
        var by = user.Identity?.Name ?? actor.Name;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Database.TakeTransactionLockAsync("incident-declare:" + by, ct);
        var since = now - DeclarationRate.Window;
        var declared = await db.Set<Incident>().AsNoTracking().Where(i => i.DeclaredBy == by && i.TriggeredAt > since).Select(i => i.TriggeredAt).ToListAsync(ct);
        if (DeclarationRate.Check(declared, maxPerHour, now) is { } refusal)
        {
            AuditLog.Record(db, actor, "incident.declare", component, "denied", after: new { component, severity, declaredLastHour = refusal.Declared, limit = refusal.Max });
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return (IncidentOutcome.TooMany, null, refusal);
        }
        var owner = await CatalogReads.OwnerOfAsync(db, component, ct);
        var incident = new Incident
        {
            Title = title.Trim(), ComponentRef = component, Severity = severity, TriggeredAt = now, DeclaredBy = by,
            Dependents = [.. await CatalogReads.DependentsAsync(db, component, 3, 50, ct)],
        };
        db.Add(incident);
        db.Add(new IncidentEvent { IncidentId = incident.Id, At = now, Kind = IncidentLifecycle.Triggered, Actor = by,
            Text = $"Declared by hand ({severity})." + (incident.Dependents.Count == 0 ? "" : $" Dependents: {string.Join(", ", incident.Dependents)}.") });
        if (!string.IsNullOrWhiteSpace(summary))
        {
            db.Add(new IncidentEvent { IncidentId = incident.Id, At = now, Kind = Comment, Actor = by, Text = summary.Trim() });
        }
        // Page severity pages like an alert would; a ticket waits for working hours, so it pages nobody.
        if (severity == "page" && await OnCallQueries.ScheduleOfAsync(db, owner, ct) is { } schedule && schedule.Layers.Count > 0)
        {
            db.Add(OnCallQueries.Page(incident, schedule, 0, now));
        }
        AuditLog.Record(db, actor, "incident.declare", incident.Id.ToString(), after: new { component, severity, title = incident.Title });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        await notifier.SendAsync(new IncidentMessage("trigger", incident, owner, incident.Title, string.IsNullOrWhiteSpace(summary) ? null : summary.Trim(),
            new Dictionary<string, string> { ["Declared by"] = by }, notifier.Link($"/incidents/{incident.Id}")), ct);
        await notifier.ChangedAsync([incident], ct); // opened: Delivery's change failure rate counts declared incidents too
        return (IncidentOutcome.Done, incident, null);
    }
}
