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
        return new CatalogFigures(
            byKind.GetValueOrDefault("Component"), teams, byKind.GetValueOrDefault("System"),
            byKind.GetValueOrDefault("API"), byKind.GetValueOrDefault("Resource"), byKind.GetValueOrDefault("Domain"),
            byOwner.Select(x => new TeamComponentCount(x.Owner, x.Count)).ToList());
    }
}

public sealed record TeamComponentCount(string OwnerRef, int Count)
{
    public string OwnerName => EntityRef.Parse(OwnerRef).ToDisplayString();
}
