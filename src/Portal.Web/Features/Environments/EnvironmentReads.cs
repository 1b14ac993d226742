using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;

namespace Portal.Web.Features.Environments;

/// <summary>
/// The environments' read surface: what other features (Cost) may ask about environments, so they never touch the
/// environment tables themselves (the architecture test enforces it).
/// </summary>
public static class EnvironmentReads
{
    /// <summary>The environments with these names (a name is its namespace), newest request first; deleted ones included.</summary>
    public static async Task<IReadOnlyList<EnvironmentItem>> ByNamesAsync(PortalDbContext db, IReadOnlyCollection<string> names,
        CancellationToken cancellationToken) =>
        await db.Environments.AsNoTracking().Where(e => names.Contains(e.Name)).OrderByDescending(e => e.RequestedAt)
            .Select(e => new EnvironmentItem(e.Id, e.Name, e.ComponentRef, e.OwnerTeam)).ToListAsync(cancellationToken);
}
