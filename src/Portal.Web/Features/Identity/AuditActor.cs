using System.Security.Claims;

namespace Portal.Web.Features.Identity;

/// <summary>Who is acting, as the audit log names them.</summary>
public sealed record AuditActor(string Type, string Name, string? Ip)
{
    public static readonly AuditActor System = new("system", "portal", null);

    public static AuditActor From(ClaimsPrincipal user, string? ip)
    {
        if (user.FindFirst(PortalClaims.TokenId) is { } token)
        {
            return new AuditActor("token", $"{user.Identity?.Name} ({token.Value})", ip);
        }
        return new AuditActor("user", user.Identity?.Name ?? "anonymous", ip);
    }

    public static AuditActor From(HttpContext context) => From(context.User, context.Connection.RemoteIpAddress?.ToString());
}
