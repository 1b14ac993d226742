using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;

namespace Portal.Web.Features.Catalog;

/// <summary>Counts shown on the home page, straight from the database.</summary>
public sealed record CatalogFigures(int Components, int Teams, int Systems, int Apis, int Resources, int Domains,
    IReadOnlyList<TeamComponentCount> ComponentsByOwner)
{
    public static async Task<CatalogFigures> LoadAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        var byKind = await db.CatalogEntities
            .GroupBy(e => e.Kind)
            .Select(g => new { Kind = g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.Kind, x => x.Count, cancellationToken);
        var teams = await db.CatalogEntities.CountAsync(e => e.Kind == "Group" && e.Type == "team", cancellationToken);
        var byOwner = await db.CatalogEntities
            .Where(e => e.Kind == "Component" && e.Owner != null)
            .GroupBy(e => e.Owner!)
            .Select(g => new { Owner = g.Key, Count = g.Count() })
            .OrderByDescending(x => x.Count).ThenBy(x => x.Owner)
            .ToListAsync(cancellationToken);
        var owners = byOwner.Select(x => x.Owner).ToList();
        var titles = await db.CatalogEntities
            .Where(e => owners.Contains(e.EntityRef))
            .Select(e => new { e.EntityRef, e.Title })
            .ToDictionaryAsync(x => x.EntityRef, x => x.Title, cancellationToken);
        return new CatalogFigures(
            byKind.GetValueOrDefault("Component"), teams, byKind.GetValueOrDefault("System"),
            byKind.GetValueOrDefault("API"), byKind.GetValueOrDefault("Resource"), byKind.GetValueOrDefault("Domain"),
            byOwner.Select(x => new TeamComponentCount(x.Owner, titles.GetValueOrDefault(x.Owner), x.Count)).ToList());
    }
}

public sealed record TeamComponentCount(string OwnerRef, string? OwnerTitle, int Count)
{
    /// <summary>The team's title when the owner is in the catalog, else its reference.</summary>
    public string OwnerName => OwnerTitle ?? EntityRef.Parse(OwnerRef).ToDisplayString();
}
