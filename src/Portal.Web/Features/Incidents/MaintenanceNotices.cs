using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;

namespace Portal.Web.Features.Incidents;

/// <summary>The maintenance windows a component's pages (catalog, SLOs) show: covering it now, or planned to within a week.</summary>
public static class MaintenanceNotices
{
    /// <summary>How far ahead a planned window is shown.</summary>
    public static readonly TimeSpan Horizon = TimeSpan.FromDays(7);

    public static async Task<IReadOnlyList<MaintenanceWindow>> OfAsync(PortalDbContext db, string componentRef, DateTimeOffset now, CancellationToken ct)
    {
        var team = await CatalogReads.OwnerOfAsync(db, componentRef, ct); // the team from the catalog, never from the page
        var until = now + Horizon;
        var windows = await db.Set<MaintenanceWindow>().AsNoTracking().Where(w => w.EndsAt > now && w.StartsAt < until).OrderBy(w => w.StartsAt).Take(200).ToListAsync(ct);
        return Relevant(windows, componentRef, team, now);
    }

    /// <summary>
    /// The windows that cover the component (its own, its team's, global) now or that start within <see cref="Horizon"/>;
    /// the ones in force first, then by start.
    /// </summary>
    public static IReadOnlyList<MaintenanceWindow> Relevant(IEnumerable<MaintenanceWindow> windows, string componentRef, string? team, DateTimeOffset now) =>
        [.. windows.Where(w => w.EndsAt > now && w.StartsAt < now + Horizon && MaintenanceRules.Covers(w, componentRef, team, w.StartsAt > now ? w.StartsAt : now))
            .OrderBy(w => w.StartsAt > now ? 1 : 0).ThenBy(w => w.StartsAt)];

    /// <summary>What the window covers, for the banner: "this component", "team payments" or "everything".</summary>
    public static string Scope(MaintenanceWindow window) =>
        window.ComponentRef is not null ? "this component" : window.Team is { } team ? $"team {team[(team.LastIndexOf('/') + 1)..]}" : "every component";
}
