using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;

namespace Portal.Web.Features.Identity;

/// <summary>
/// A person's principal for work the portal does on their behalf after their request ended (a template's call to the
/// portal's own API): built the way an API token of theirs is (their roles, teams, provider groups, nothing stored in
/// data they can write), marked with <paramref name="label"/> as its token id so audits say who acted through what,
/// and limited to <paramref name="scopes"/> when the run was started with a token. Null when the person no longer
/// exists or is disabled.
/// </summary>
public static class ActingPrincipal
{
    /// <summary>The roles that give more than a member's rights: never lent to work the person did not write.</summary>
    public static readonly IReadOnlySet<string> ElevatedRoles = new HashSet<string>(StringComparer.Ordinal) { PortalRoles.Admin, PortalRoles.Approver };

    /// <param name="elevated">
    /// False when the work was written by someone else than a trusted source (a member's template): the principal then
    /// has the person's member rights only, without <see cref="ElevatedRoles"/> or admin-only scopes.
    /// </param>
    public static async Task<ClaimsPrincipal?> ForUserAsync(IServiceProvider services, string userId, string label,
        IReadOnlyCollection<string>? scopes, bool elevated, CancellationToken cancellationToken)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(cancellationToken);
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (user is null || PortalUser.IsDisabled(user.LockoutEnd))
        {
            return null;
        }
        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, user.UserName!),
            new(ClaimTypes.NameIdentifier, user.Id),
            new(PortalClaims.TokenId, label),
        };
        if (user.Email is not null)
        {
            claims.Add(new Claim(ClaimTypes.Email, user.Email));
        }
        var roles = await (from ur in db.UserRoles
                           join r in db.Roles on ur.RoleId equals r.Id
                           where ur.UserId == user.Id
                           select r.Name).ToListAsync(cancellationToken);
        claims.AddRange(roles.OfType<string>().Select(r => new Claim(ClaimTypes.Role, r)));
        var groups = await db.UserClaims.Where(c => c.UserId == user.Id && c.ClaimType == PortalClaimsTransformation.ProviderGroupClaim)
            .Select(c => c.ClaimValue).ToListAsync(cancellationToken);
        claims.AddRange(groups.OfType<string>().Select(g => new Claim(PortalClaimsTransformation.ProviderGroupClaim, g)));
        // A browser-started run acts with every scope the person holds (AccessRules still applies their roles);
        // a token-started one only with that token's scopes.
        var granted = scopes ?? PortalScopes.All.Where(s => !AccessRules.AdminOnlyScopes.Contains(s) || roles.Contains(PortalRoles.Admin));
        claims.AddRange(granted.Select(s => new Claim(PortalClaims.Scope, s)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, "ActingFor", ClaimTypes.Name, ClaimTypes.Role));
        await using var scope = services.CreateAsyncScope();
        var transformed = await scope.ServiceProvider.GetRequiredService<IClaimsTransformation>().TransformAsync(principal);
        return elevated ? transformed : WithoutElevatedRoles(transformed);
    }

    /// <summary>
    /// The principal with a member's rights only: no admin or approver role (however given: stored, or from the sign-in
    /// provider's groups) and no admin-only scope.
    /// </summary>
    public static ClaimsPrincipal WithoutElevatedRoles(ClaimsPrincipal principal) =>
        new(principal.Identities.Select(i => new ClaimsIdentity(
            i.Claims.Where(c => !(c.Type == i.RoleClaimType && ElevatedRoles.Contains(c.Value))
                && !(c.Type == PortalClaims.Scope && AccessRules.AdminOnlyScopes.Contains(c.Value))),
            i.AuthenticationType, i.NameClaimType, i.RoleClaimType)));
}
