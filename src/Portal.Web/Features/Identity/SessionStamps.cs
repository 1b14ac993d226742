using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Portal.Web.Data;

namespace Portal.Web.Features.Identity;

/// <summary>
/// Whether a session (cookie or circuit) still carries its user's current security stamp. Disabling,
/// a password reset or change and a role change renew the stamp, so such a session ends at its next
/// request instead of at the next 30-minute security stamp validation. The stamp is cached per user
/// for <see cref="PortalIdentityOptions.SessionCheckSeconds"/>; <see cref="PortalUserManager"/> drops
/// the entry whenever it saves the user, so on this replica the change is seen at once.
/// </summary>
public sealed class SessionStamps(IDbContextFactory<PortalDbContext> dbFactory, IMemoryCache cache, IOptionsMonitor<PortalIdentityOptions> options,
    IOptions<IdentityOptions> identity)
{
    public async Task<bool> IsCurrentAsync(ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        var userId = principal.FindFirstValue(identity.Value.ClaimsIdentity.UserIdClaimType);
        var stamp = principal.FindFirstValue(identity.Value.ClaimsIdentity.SecurityStampClaimType);
        if (userId is null || stamp is null)
        {
            return false;
        }
        if (cache.TryGetValue(Key(userId), out string? known) && known == stamp)
        {
            return true;
        }
        // Unknown or different: the database decides (the stamp may have been renewed for this very session, e.g. a password change).
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var current = await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => u.SecurityStamp).FirstOrDefaultAsync(cancellationToken);
        if (current is null)
        {
            cache.Remove(Key(userId));
            return false;
        }
        cache.Set(Key(userId), current, TimeSpan.FromSeconds(options.CurrentValue.SessionCheckSeconds));
        return current == stamp;
    }

    public void Forget(string userId) => cache.Remove(Key(userId));

    private static string Key(string userId) => "session-stamp:" + userId;
}
