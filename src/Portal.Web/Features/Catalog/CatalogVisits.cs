using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;

namespace Portal.Web.Features.Catalog;

/// <summary>The entity pages a person opened last: recorded when an entity page loads, shown on the home.</summary>
public static class CatalogVisits
{
    /// <summary>How many visits are kept per person; older ones are dropped as new ones come in.</summary>
    public const int Kept = 8;

    /// <summary>Records (or refreshes) a visit and drops the person's visits beyond <see cref="Kept"/>, in one round trip.</summary>
    public static Task RecordAsync(PortalDbContext db, string userId, string entityRef, DateTimeOffset now, CancellationToken cancellationToken) =>
        // ON CONFLICT: reopening a page moves it to the top; two tabs at once both succeed.
        db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO catalog_visits (user_id, entity_ref, visited_at) VALUES ({userId}, {entityRef}, {now})
            ON CONFLICT (user_id, entity_ref) DO UPDATE SET visited_at = excluded.visited_at;
            DELETE FROM catalog_visits WHERE user_id = {userId} AND entity_ref NOT IN
                (SELECT entity_ref FROM catalog_visits WHERE user_id = {userId} ORDER BY visited_at DESC, entity_ref LIMIT {Kept});
            """, cancellationToken);

    /// <summary>The entities the person visited that still exist, most recent first.</summary>
    public static async Task<IReadOnlyList<(CatalogItem Item, DateTimeOffset VisitedAt)>> RecentAsync(PortalDbContext db, string userId,
        CancellationToken cancellationToken)
    {
        var visits = await db.CatalogVisits.AsNoTracking().Where(v => v.UserId == userId).OrderByDescending(v => v.VisitedAt).ThenBy(v => v.EntityRef)
            .Take(Kept).ToListAsync(cancellationToken);
        if (visits.Count == 0)
        {
            return [];
        }
        var refs = visits.Select(v => v.EntityRef).ToList();
        var found = (await CatalogReads.Entities(db).Where(i => refs.Contains(i.Ref)).ToListAsync(cancellationToken)).ToDictionary(i => i.Ref);
        return visits.Where(v => found.ContainsKey(v.EntityRef)).Select(v => (found[v.EntityRef], v.VisitedAt)).ToList();
    }
}
