using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;
using Portal.Web.Infrastructure.Extensions;

namespace Portal.Web.Features.Incidents;

/// <summary>
/// The maintenance windows that covered a component over a time range (its own, its team's, global), as bands the SLO
/// charts shade through <see cref="IEntityTimeBands"/>, so Slo never reads incidents.
/// </summary>
public sealed class MaintenanceBands(IDbContextFactory<PortalDbContext> dbFactory) : IEntityTimeBands
{
    public async Task<IReadOnlyList<TimeBand>> BandsAsync(string entityRef, DateTimeOffset from, DateTimeOffset until, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var team = await CatalogReads.OwnerOfAsync(db, entityRef, cancellationToken); // the team from the catalog
        var windows = await db.Set<MaintenanceWindow>().AsNoTracking().Where(w => w.EndsAt > from && w.StartsAt < until).OrderBy(w => w.StartsAt).Take(200)
            .ToListAsync(cancellationToken);
        return [.. windows.Where(w => MaintenanceRules.Covers(w, entityRef, team, w.StartsAt))
            .Select(w => new TimeBand(w.StartsAt, w.EndsAt, $"Maintenance ({MaintenanceNotices.Scope(w)}): {w.Reason}"))];
    }
}
