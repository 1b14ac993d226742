using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Delivery;
using Portal.Web.Features.Environments;
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

    /// <summary>A component's incidents, newest first (its page's Incidents tab).</summary>
    public static async Task<List<IncidentView>> OfComponentAsync(PortalDbContext db, string componentRef, int take, CancellationToken ct)
    {
        var component = componentRef.ToLowerInvariant();
        var incidents = await db.Set<Incident>().AsNoTracking().Where(i => i.ComponentRef == component).OrderByDescending(i => i.TriggeredAt).Take(take).ToListAsync(ct);
        var owner = await CatalogReads.OwnerOfAsync(db, component, ct);
        return incidents.Select(i => ToView(i, owner, [])).ToList();
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
        return ToView(incident, await CatalogReads.OwnerOfAsync(db, incident.ComponentRef, ct),
            IncidentChanges.Merge(timeline, await ChangesAsync(db, incident, ct)));
    }

    /// <summary>Deploys and environment changes of the affected components in the incident's window (see <see cref="IncidentChanges"/>), from their owners' read surfaces.</summary>
    private static async Task<IEnumerable<IncidentTimelineEntry>> ChangesAsync(PortalDbContext db, Incident incident, CancellationToken ct)
    {
        var affected = IncidentChanges.Affected(incident.ComponentRef, incident.Dependents);
        var (from, to) = IncidentChanges.Window(incident.TriggeredAt, incident.ResolvedAt);
        var deploys = await DeliveryReads.DeploymentsAsync(db, affected, from, to, IncidentChanges.Limit, ct);
        var environments = await EnvironmentReads.ChangesAsync(db, affected, from, to, IncidentChanges.Limit, ct);
        return deploys.Select(IncidentChanges.Entry).Concat(environments.Select(IncidentChanges.Entry));
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
            IncidentChecklist.Of(i.ChecklistDone), i.Postmortem is not null, i.Commander, i.DeclaredBy);
}
