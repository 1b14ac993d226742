using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Portal.Web.Data;

namespace Portal.Web.Features.Identity;

/// <summary>
/// Adds what the catalog says about a signed-in person: the User entity they map to and their
/// teams (Group membership, parents included), plus roles granted through provider groups.
/// Cached briefly, since it runs on every authenticated request.
/// </summary>
public sealed class PortalClaimsTransformation(
    IDbContextFactory<PortalDbContext> dbFactory,
    IMemoryCache cache,
    TeamDirectory teamDirectory,
    IOptionsMonitor<PortalIdentityOptions> options) : IClaimsTransformation
{
    public const string ProviderGroupClaim = "portal:provider-group";
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);

    public async Task<ClaimsPrincipal> TransformAsync(ClaimsPrincipal principal)
    {
        if (principal.Identity is not ClaimsIdentity { IsAuthenticated: true } identity || identity.HasClaim(c => c.Type == PortalClaims.CatalogUser || c.Type == PortalClaims.Team))
        {
            return principal;
        }
        var name = principal.Identity.Name;
        var email = principal.FindFirstValue(ClaimTypes.Email);
        var providerGroups = principal.FindAll(ProviderGroupClaim).Select(c => c.Value).ToList();
        if (name is null && email is null)
        {
            return principal;
        }

        var fromProvider = principal.FindFirstValue(ClaimTypes.AuthenticationMethod) == PortalSchemes.Oidc
            || principal.HasClaim(c => c.Type == ProviderGroupClaim);
        var key = $"teams:{name}|{email}|{fromProvider}|{string.Join(',', providerGroups)}";
        var (userRef, teams) = await cache.GetOrCreateAsync(key, async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = CacheFor;
            await using var db = await dbFactory.CreateDbContextAsync();
            return await teamDirectory(db, name, email, providerGroups, CancellationToken.None, matchByName: !fromProvider);
        });

        var added = new ClaimsIdentity();
        if (userRef is not null)
        {
            added.AddClaim(new Claim(PortalClaims.CatalogUser, userRef));
        }
        foreach (var team in teams)
        {
            added.AddClaim(new Claim(PortalClaims.Team, team));
        }
        var oidc = options.CurrentValue.Oidc;
        if (providerGroups.Intersect(oidc.AdminGroups, StringComparer.OrdinalIgnoreCase).Any() && !principal.IsInRole(PortalRoles.Admin))
        {
            added.AddClaim(new Claim(ClaimTypes.Role, PortalRoles.Admin));
        }
        if (providerGroups.Intersect(oidc.ApproverGroups, StringComparer.OrdinalIgnoreCase).Any() && !principal.IsInRole(PortalRoles.Approver))
        {
            added.AddClaim(new Claim(ClaimTypes.Role, PortalRoles.Approver));
        }
        // A copy: the principal passed in may be shared (e.g. the circuit's authentication state).
        var result = principal.Clone();
        identity = (ClaimsIdentity)result.Identity!;
        identity.AddClaims(added.Claims);
        return result;
    }
}
