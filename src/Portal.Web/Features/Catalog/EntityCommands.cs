using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;
using Portal.Web.Features.Catalog.Ingestion;
using Portal.Web.Features.Identity;

namespace Portal.Web.Features.Catalog;

/// <summary>
/// The entity page's actions (Backstage's refresh and unregister), with the same rules as the API: refreshing or
/// unregistering a location is the admins' (as <c>/api/catalog/locations</c>); an entity posted through the API (no
/// location) may be unregistered by its owning team or an admin; people and teams never by a member.
/// </summary>
public static class EntityCommands
{
    /// <summary>What unregistering an entity removes: its location's entities, or the entity alone; null when it may not.</summary>
    public sealed record UnregisterPlan(Guid? LocationId, string? LocationKey, IReadOnlyList<string> Refs);

    /// <summary>Whether this person may refresh the entity's location.</summary>
    public static bool MayRefresh(AccessFacts who, CatalogEntity entity) => entity.LocationId is not null && who.IsAdmin;

    /// <summary>What unregistering would remove, or null when this person may not unregister the entity.</summary>
    public static async Task<UnregisterPlan?> PlanUnregisterAsync(PortalDbContext db, AccessFacts who, CatalogEntity entity, CancellationToken cancellationToken)
    {
        if (entity.LocationId is { } locationId)
        {
            if (!who.IsAdmin)
            {
                return null;
            }
            var location = await db.CatalogLocations.AsNoTracking().FirstOrDefaultAsync(l => l.Id == locationId, cancellationToken);
            if (location is null)
            {
                return null;
            }
            var refs = await db.CatalogEntities.AsNoTracking().Where(e => e.LocationId == locationId).OrderBy(e => e.EntityRef).Select(e => e.EntityRef)
                .ToListAsync(cancellationToken);
            return new UnregisterPlan(locationId, location.Key, refs);
        }
        return EntityAuthority.ApiProblem(who, entity.Kind) is null && AccessRules.CanChangeOwnedBy(who, entity.Owner)
            ? new UnregisterPlan(null, null, [entity.EntityRef])
            : null;
    }

    /// <summary>Carries out a plan from <see cref="PlanUnregisterAsync"/>, audited; false when its location or entity is already gone.</summary>
    public static async Task<bool> UnregisterAsync(PortalDbContext db, AuditActor actor, UnregisterPlan plan, CancellationToken cancellationToken)
    {
        if (plan.LocationId is { } locationId)
        {
            var location = await db.CatalogLocations.FirstOrDefaultAsync(l => l.Id == locationId, cancellationToken);
            if (location is null)
            {
                return false;
            }
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await CatalogIngestion.DeleteLocationAsync(db, location, cancellationToken);
            AuditLog.Record(db, actor, "catalog.location.delete", location.Key, before: LocationView.From(location));
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return true;
        }
        var key = plan.Refs[0];
        var entity = await db.CatalogEntities.FirstOrDefaultAsync(e => e.EntityRef == key, cancellationToken);
        if (entity is null)
        {
            return false;
        }
        db.CatalogEntities.Remove(entity);
        AuditLog.Record(db, actor, "catalog.entity.delete", key, before: new { entity.Kind, entity.Name, entity.Owner });
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>Reads the entity's location again now (admins), audited; the problems the read found.</summary>
    public static async Task<IReadOnlyList<ReadProblem>> RefreshAsync(PortalDbContext db, LocationReader reader, CatalogOptions options, TimeProvider time,
        AuditActor actor, Guid locationId, CancellationToken cancellationToken)
    {
        var problems = await CatalogIngestion.RefreshAsync(db, reader, locationId, options, time, cancellationToken);
        if (await db.CatalogLocations.AsNoTracking().FirstOrDefaultAsync(l => l.Id == locationId, cancellationToken) is { } location)
        {
            AuditLog.Record(db, actor, "catalog.location.refresh", location.Key);
            await db.SaveChangesAsync(cancellationToken);
        }
        return problems;
    }
}
