using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Web.Data;

namespace Portal.Web.Features.Identity;

/// <summary>
/// <c>Authorization: Bearer ptk_...</c>: looks the token up by its hash; revoked and expired
/// tokens fail. A personal token acts as its user (roles and teams), limited to its scopes.
/// </summary>
public sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IDbContextFactory<PortalDbContext> dbFactory,
    IOptionsMonitor<BootstrapOptions> bootstrap,
    IConfiguration configuration,
    TimeProvider time) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiToken";

    /// <summary>
    /// A header OTLP exporters may send the ingest token in instead of <c>Authorization</c> (some collectors reserve
    /// that one); unset by default.
    /// </summary>
    public const string IngestTokenHeaderSetting = "Portal:Slo:IngestTokenHeader";

    private readonly string? ingestHeader = configuration[IngestTokenHeaderSetting];

    /// <summary>
    /// The token a request carries: <c>Authorization: Bearer</c>, or on the OTLP receivers the configured ingest
    /// header (the bare token, or "Bearer" and the token). Null when there is none.
    /// </summary>
    public static string? TokenOf(HttpRequest request, string? ingestHeader)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return header["Bearer ".Length..].Trim();
        }
        if (string.IsNullOrWhiteSpace(ingestHeader) || !IsOtlp(request.Path) || request.Headers[ingestHeader].ToString() is not { Length: > 0 } value)
        {
            return null;
        }
        return value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? value["Bearer ".Length..].Trim() : value.Trim();
    }

    public static bool IsOtlp(PathString path) => path.StartsWithSegments("/v1", StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/opentelemetry.proto.collector.metrics.v1.MetricsService", StringComparison.Ordinal);

    /// <summary>Last-used times are written at most this often per token, not on every request.</summary>
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (TokenOf(Request, ingestHeader) is not { } secret)
        {
            return AuthenticateResult.NoResult();
        }
        if (secret.Length == 0)
        {
            return AuthenticateResult.Fail("Empty bearer token.");
        }

        var configured = bootstrap.CurrentValue.BootstrapAdminToken;
        if (!string.IsNullOrWhiteSpace(configured) && ApiTokenSecret.FixedTimeEquals(secret, configured))
        {
            return Success("bootstrap", "bootstrap-admin-token", userId: null, [PortalScopes.Admin], [], [new Claim(ClaimTypes.Role, PortalRoles.Admin)]);
        }

        var hash = ApiTokenSecret.Hash(secret);
        await using var db = await dbFactory.CreateDbContextAsync(Context.RequestAborted);
        var token = await db.ApiTokens.FirstOrDefaultAsync(t => t.Hash == hash, Context.RequestAborted);
        var now = time.GetUtcNow();
        if (token is null)
        {
            return AuthenticateResult.Fail("Unknown API token.");
        }
        if (token.RevokedAt is not null)
        {
            return AuthenticateResult.Fail("The API token was revoked.");
        }
        if (token.ExpiresAt <= now)
        {
            return AuthenticateResult.Fail("The API token has expired.");
        }
        if (token.LastUsedAt is null || now - token.LastUsedAt > LastUsedResolution)
        {
            await db.ApiTokens.Where(t => t.Id == token.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now), Context.RequestAborted);
        }

        var extra = new List<Claim>();
        string name = token.Name;
        if (token.Kind == ApiTokenKind.Personal && token.UserId is not null)
        {
            var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == token.UserId, Context.RequestAborted);
            // Only an admin's "disable" stops tokens; a sign-in lockout (failed passwords, which anyone can cause) does not.
            if (user is null || PortalUser.IsDisabled(user.LockoutEnd))
            {
                return AuthenticateResult.Fail("The token's user no longer exists or is disabled.");
            }
            name = user.UserName!;
            if (user.Email is not null)
            {
                extra.Add(new Claim(ClaimTypes.Email, user.Email));
            }
            var roles = await (from ur in db.UserRoles
                               join r in db.Roles on ur.RoleId equals r.Id
                               where ur.UserId == user.Id
                               select r.Name).ToListAsync(Context.RequestAborted);
            extra.AddRange(roles.Where(r => r is not null).Select(r => new Claim(ClaimTypes.Role, r!)));
            var groups = await db.UserClaims.Where(c => c.UserId == user.Id && c.ClaimType == PortalClaimsTransformation.ProviderGroupClaim)
                .Select(c => c.ClaimValue).ToListAsync(Context.RequestAborted);
            extra.AddRange(groups.OfType<string>().Select(g => new Claim(PortalClaimsTransformation.ProviderGroupClaim, g)));
        }
        else if (token.Scopes.Contains(PortalScopes.Admin))
        {
            // Service tokens are minted by admins; an admin-scoped one acts as an admin.
            extra.Add(new Claim(ClaimTypes.Role, PortalRoles.Admin));
        }
        return Success(token.Id.ToString(), name, token.UserId, token.Scopes, token.Services, extra);
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }

    private static AuthenticateResult Success(string tokenId, string name, string? userId, IEnumerable<string> scopes, IEnumerable<string> services, IEnumerable<Claim> extra)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, name),
            new(PortalClaims.TokenId, tokenId),
        };
        if (userId is not null)
        {
            claims.Add(new Claim(ClaimTypes.NameIdentifier, userId));
        }
        claims.AddRange(scopes.Select(s => new Claim(PortalClaims.Scope, s)));
        claims.AddRange(services.Select(s => new Claim(PortalClaims.IngestService, s)));
        claims.AddRange(extra);
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName, ClaimTypes.Name, ClaimTypes.Role));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }
}

/// <summary>Names of the portal's authentication schemes.</summary>
internal static class PortalSchemes
{
    /// <summary>Picks the token handler for bearer requests and the Identity cookie otherwise.</summary>
    public const string Selector = "Portal";
    public const string Oidc = "oidc";
    public static readonly string Cookie = IdentityConstants.ApplicationScheme;
    public static readonly string External = IdentityConstants.ExternalScheme;
}
