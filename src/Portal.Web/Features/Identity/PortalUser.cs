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
