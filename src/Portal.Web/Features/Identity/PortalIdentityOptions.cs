namespace Portal.Web.Features.Identity;

public sealed class PortalIdentityOptions
{
    public const string Section = "Portal:Identity";

    /// <summary>Password of the embedded install's <c>admin</c> account; when unset a one-time password is printed once.</summary>
    public string? AdminPassword { get; set; }

    /// <summary>Allow local (ASP.NET Core Identity) accounts. On by default; turn off when everyone signs in with OIDC.</summary>
    public bool LocalAccounts { get; set; } = true;

    /// <summary>Sign-in and password attempts allowed per client address per minute.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 10_000)]
    public int SignInAttemptsPerMinute { get; set; } = 20;

    /// <summary>
    /// How long a replica trusts the security stamp it last read for a person. A session that was revoked (disabled,
    /// password reset, role change) ends at once on the replica that made the change and within this many seconds on
    /// the others; open pages (Blazor circuits) re-check at this interval.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(1, 300)]
    public int SessionCheckSeconds { get; set; } = 10;

    /// <summary>
    /// Origins (e.g. <c>https://portal.example.com</c>) whose cookie-authenticated writes are accepted besides the portal's
    /// own, for a proxy that changes the scheme or host and browsers that send <c>Origin</c> but not <c>Sec-Fetch-Site</c>.
    /// </summary>
    public string[] TrustedOrigins { get; set; } = [];

    public OidcOptions Oidc { get; set; } = new();
}
