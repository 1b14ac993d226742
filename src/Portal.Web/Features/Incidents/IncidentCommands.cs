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
}
