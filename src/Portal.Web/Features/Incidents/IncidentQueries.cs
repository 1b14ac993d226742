using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Identity;

namespace Portal.Web.Features.Incidents;

/// <summary>Reading incidents, and who may act on one: the component's owning team (from the catalog), or an admin.</summary>
public static class IncidentQueries
{
    public static async Task<List<IncidentView>> ListAsync(PortalDbContext db, string? status, CancellationToken ct)
    {
        var query = db.Set<Incident>().AsNoTracking();
        if (!string.IsNullOrWhiteSpace(status))
        {
            query = query.Where(i => i.Status == status);
        }
        var incidents = await query.OrderByDescending(i => i.TriggeredAt).Take(500).ToListAsync(ct);
        var owners = await OwnersAsync(db, incidents.Select(i => i.ComponentRef), ct);
        return incidents.Select(i => ToView(i, owners.GetValueOrDefault(i.ComponentRef), [])).ToList();
    }

    public static async Task<IncidentView?> GetAsync(PortalDbContext db, Guid id, CancellationToken ct)
    {
        var incident = await db.Set<Incident>().AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, ct);
        if (incident is null)
        {
            return null;
        }
        var timeline = await db.Set<IncidentEvent>().AsNoTracking().Where(e => e.IncidentId == id).OrderBy(e => e.At).ThenBy(e => e.Id)
            .Select(e => new IncidentTimelineEntry(e.At, e.Kind, e.Actor, e.Text)).ToListAsync(ct);
        return ToView(incident, await CatalogReads.OwnerOfAsync(db, incident.ComponentRef, ct), timeline);
    }

    /// <summary>Team members act on their components' incidents, admins on all (authority from the catalog, never from the incident).</summary>
    public static async Task<bool> MayActAsync(PortalDbContext db, ClaimsPrincipal user, string componentRef, CancellationToken ct) =>
        AccessRules.CanChangeOwnedBy(AccessFacts.From(user), await CatalogReads.OwnerOfAsync(db, componentRef, ct));

    /// <summary>MTTA, MTTR, incidents per week and postmortem completion over the incidents opened in [from, to), with each component's owner now.</summary>
    public static async Task<IncidentMetricsView> MetricsAsync(PortalDbContext db, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var incidents = await db.Set<Incident>().AsNoTracking().Where(i => i.TriggeredAt >= from && i.TriggeredAt < to).ToListAsync(ct);
        var owners = await OwnersAsync(db, incidents.Select(i => i.ComponentRef), ct);
        return IncidentMetrics.Compute(incidents.Select(i => (i, owners.GetValueOrDefault(i.ComponentRef))).ToList(), from, to);
    }

    /// <summary>The current owner of each component (the catalog's say).</summary>
    public static async Task<Dictionary<string, string?>> OwnersAsync(PortalDbContext db, IEnumerable<string> componentRefs, CancellationToken ct)
    {
        var components = componentRefs.Distinct().ToList();
        return await CatalogReads.Entities(db).Where(e => components.Contains(e.Ref)).Select(e => new { e.Ref, e.Owner })
            .ToDictionaryAsync(e => e.Ref, e => e.Owner, ct);
    }

    public static IncidentView ToView(Incident i, string? owner, IReadOnlyList<IncidentTimelineEntry> timeline) =>
        new(i.Id, i.Title, i.ComponentRef, owner, i.SloId, i.SloName, i.Severity, i.Status, i.Runbook, i.TriggeredAt, i.AcknowledgedAt, i.AcknowledgedBy,
            i.MitigatedAt, i.ResolvedAt, i.ResolvedBy, i.SecondsToAcknowledge, i.SecondsToResolve, timeline, i.OnCall, i.EscalationLevel, i.Dependents,
            IncidentChecklist.Of(i.ChecklistDone), i.Postmortem is not null);
}
