using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;

namespace Portal.Web.Features.Catalog;

/// <summary>
/// What people call entities (title, or a group's or user's <c>profile.displayName</c>), for <see cref="Pages.RefLink"/>s
/// that were given no name: the links of one render ask together and are answered by one query, not one each.
/// Scoped (one per circuit); nothing is kept between renders, so a renamed entity shows its new name on the next page.
/// </summary>
public sealed class CatalogNames(IDbContextFactory<PortalDbContext> dbFactory)
{
    private HashSet<string> pending = new(StringComparer.Ordinal);
    private Task<IReadOnlyDictionary<string, string>>? batch;

    /// <summary>The entity's display name, or null when it is not in the catalog (callers then show the short ref).</summary>
    public async Task<string?> NameOfAsync(string entityRef)
    {
        var key = entityRef.ToLowerInvariant();
        pending.Add(key);
        var names = await (batch ??= LoadAsync());
        return names.GetValueOrDefault(key);
    }

    private async Task<IReadOnlyDictionary<string, string>> LoadAsync()
    {
        // Let the rest of the render ask first: the continuation runs after the renderer's current batch.
        await Task.Yield();
        var keys = pending;
        (pending, batch) = (new HashSet<string>(StringComparer.Ordinal), null);
        await using var db = await dbFactory.CreateDbContextAsync();
        return await CatalogReads.DisplayNamesAsync(db, keys, CancellationToken.None);
    }
}
