using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;

namespace Portal.Web.Features.Identity;

/// <summary>
/// The display names of portal accounts, for <see cref="Pages.AccountName"/>s: the names of one render ask together and
/// are answered by one query. Identity's own <see cref="PortalUser.DisplayName"/> (filled from the catalog at sign-in when
/// empty), since Identity may not read the catalog. Scoped (one per circuit); nothing is kept between renders.
/// </summary>
public sealed class AccountNames(IDbContextFactory<PortalDbContext> dbFactory)
{
    private HashSet<string> pending = new(StringComparer.Ordinal);
    private Task<IReadOnlyDictionary<string, string>>? batch;

    /// <summary>The account's display name, or null when there is no such account or it has none.</summary>
    public async Task<string?> DisplayNameOfAsync(string userName)
    {
        var key = userName.ToUpperInvariant();
        pending.Add(key);
        var names = await (batch ??= LoadAsync());
        return names.GetValueOrDefault(key);
    }

    private async Task<IReadOnlyDictionary<string, string>> LoadAsync()
    {
        // Let the rest of the render ask first: the continuation runs after the renderer's current batch.
        await Task.Yield();
        var keys = pending.ToList();
        (pending, batch) = (new HashSet<string>(StringComparer.Ordinal), null);
        await using var db = await dbFactory.CreateDbContextAsync();
        var rows = await db.Users.AsNoTracking().Where(u => keys.Contains(u.NormalizedUserName!) && u.DisplayName != null && u.DisplayName != "")
            .Select(u => new { u.NormalizedUserName, u.DisplayName }).ToListAsync();
        return rows.ToDictionary(r => r.NormalizedUserName!, r => r.DisplayName!, StringComparer.Ordinal);
    }
}
