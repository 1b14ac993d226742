using Microsoft.AspNetCore.Identity;

namespace Portal.Web.Features.Identity;

/// <summary>A local account (embedded installs) or the record of a person who signed in with OpenID Connect.</summary>
public sealed class PortalUser : IdentityUser
{
    public string? DisplayName { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>"local" or the OpenID Connect issuer that vouches for this person.</summary>
    public string Source { get; set; } = "local";

    /// <summary>Set for one-time passwords: the next sign-in must choose a new password first.</summary>
    public bool MustChangePassword { get; set; }

    /// <summary>An admin's "disable" locks the account until the end of time; sign-in lockouts last minutes.</summary>
    public static readonly DateTimeOffset DisabledUntil = DateTimeOffset.MaxValue;

    /// <summary>
    /// Disabled by an admin, as opposed to locked for a while after failed sign-ins (which must not stop the person's
    /// API tokens: anyone can type wrong passwords for someone else's account). Any lockout past the year 9000 counts,
    /// whatever the database makes of <see cref="DateTimeOffset.MaxValue"/>.
    /// </summary>
    public static bool IsDisabled(DateTimeOffset? lockoutEnd) => lockoutEnd is { } end && end.UtcDateTime.Year >= 9000;
}

public static class PortalRoles
{
    public const string Admin = "admin";
    public const string Approver = "approver";

    public static readonly string[] All = [Admin, Approver];
}

public static class PortalScopes
{
    public const string CatalogRead = "catalog:read";
    public const string CatalogWrite = "catalog:write";
    public const string EnvironmentsWrite = "environments:write";
    public const string SloIngest = "slo:ingest";
    public const string CostWrite = "cost:write";
    public const string Admin = "admin";

    public static readonly string[] All = [CatalogRead, CatalogWrite, EnvironmentsWrite, SloIngest, CostWrite, Admin];
}

public static class PortalClaims
{
    /// <summary>A catalog group ref the person belongs to (directly or through a parent group).</summary>
    public const string Team = "portal:team";

    /// <summary>The catalog User entity ref the person maps to.</summary>
    public const string CatalogUser = "portal:catalog-user";

    /// <summary>A scope granted to an API token; people signed in with a cookie have every scope.</summary>
    public const string Scope = "scope";

    /// <summary>Services an slo:ingest token may send data for (none = any).</summary>
    public const string IngestService = "portal:ingest-service";

    /// <summary>Set on principals authenticated by an API token: the token's id.</summary>
    public const string TokenId = "portal:token-id";
}
