namespace Portal.Web.Features.Identity;

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
