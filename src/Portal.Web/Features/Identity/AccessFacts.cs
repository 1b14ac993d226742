using System.Security.Claims;

namespace Portal.Web.Features.Identity;

/// <summary>What the portal knows about the person (or token) acting, for authorization decisions.</summary>
public sealed record AccessFacts(
    string? UserId,
    bool IsAdmin,
    bool IsApprover,
    IReadOnlySet<string> Teams,
    IReadOnlySet<string>? Scopes)
{
    public static AccessFacts From(ClaimsPrincipal user)
    {
        var isToken = user.HasClaim(c => c.Type == PortalClaims.TokenId);
        var scopes = isToken
            ? user.FindAll(PortalClaims.Scope).Select(c => c.Value).ToHashSet(StringComparer.Ordinal)
            : null;
        return new AccessFacts(
            user.FindFirstValue(ClaimTypes.NameIdentifier),
            user.IsInRole(PortalRoles.Admin) && (scopes is null || scopes.Contains(PortalScopes.Admin)),
            user.IsInRole(PortalRoles.Approver),
            user.FindAll(PortalClaims.Team).Select(c => c.Value).ToHashSet(StringComparer.OrdinalIgnoreCase),
            scopes);
    }
}
