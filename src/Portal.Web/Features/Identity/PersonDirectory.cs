using Portal.Web.Data;

namespace Portal.Web.Features.Identity;

/// <summary>
/// What the catalog calls a signed-in person (their User entity's <c>profile.displayName</c> or title), asked at sign-in
/// to fill an account's empty <see cref="PortalUser.DisplayName"/>. Identity declares it and the catalog implements it
/// (<c>CatalogTeamDirectory.DisplayNameAsync</c>), as with <see cref="TeamDirectory"/>, so Identity knows no feature.
/// </summary>
/// <param name="matchByName">False for people from an identity provider (see <see cref="TeamDirectory"/>).</param>
public delegate Task<string?> PersonDirectory(PortalDbContext db, string? userName, string? email, CancellationToken cancellationToken,
    bool matchByName = true);
