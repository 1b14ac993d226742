using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;
using Portal.Web.Infrastructure.Extensions;

namespace Portal.Web.Features.Catalog;

/// <summary>The catalog's part of the personal home: the components a person's teams own, and what they starred.</summary>
public static class MyCatalog
{
    /// <summary>The active components the teams own (full group refs, any case), by title or name, and how many there are.</summary>
    public static async Task<(IReadOnlyList<CatalogItem> Items, int Total)> OwnedComponentsAsync(PortalDbContext db, IReadOnlyCollection<string> teams,
        int limit, CancellationToken cancellationToken)
    {
        if (teams.Count == 0)
        {
            return ([], 0);
        }
        var owned = CatalogReads.OwnedBy(db, CatalogKinds.Component, teams);
        var total = await owned.CountAsync(cancellationToken);
        var items = await owned.OrderBy(i => i.Title ?? i.Name).ThenBy(i => i.Ref).Take(limit).ToListAsync(cancellationToken);
        return (items, total);
    }

    /// <summary>The entities the person starred that still exist, most recently starred first.</summary>
    public static async Task<IReadOnlyList<CatalogItem>> StarredAsync(PortalDbContext db, string userId, int limit, CancellationToken cancellationToken)
    {
        var refs = await db.CatalogStars.AsNoTracking().Where(s => s.UserId == userId).OrderByDescending(s => s.CreatedAt).ThenBy(s => s.EntityRef)
            .Select(s => s.EntityRef).ToListAsync(cancellationToken);
        if (refs.Count == 0)
        {
            return [];
        }
        var found = (await CatalogReads.Entities(db).Where(i => refs.Contains(i.Ref)).ToListAsync(cancellationToken)).ToDictionary(i => i.Ref);
        return refs.Where(found.ContainsKey).Select(r => found[r]).Take(limit).ToList();
    }

    /// <summary>
    /// The other features' facts for these components: each registered column (in order) loads them all at once, so a
    /// card of many rows costs one query (or a few) per column, never one per row.
    /// </summary>
    public static async Task<IReadOnlyList<(IComponentFactColumn Column, IReadOnlyDictionary<string, ComponentFact> Facts)>> FactsAsync(PortalDbContext db,
        IEnumerable<IComponentFactColumn> columns, IReadOnlyCollection<string> componentRefs, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var refs = componentRefs.Select(r => r.ToLowerInvariant()).Distinct().ToList();
        var result = new List<(IComponentFactColumn, IReadOnlyDictionary<string, ComponentFact>)>();
        foreach (var column in columns.OrderBy(c => c.Order).ThenBy(c => c.Title, StringComparer.Ordinal))
        {
            result.Add((column, refs.Count == 0 ? new Dictionary<string, ComponentFact>() : await column.LoadAsync(db, refs, now, cancellationToken)));
        }
        return result;
    }
}
