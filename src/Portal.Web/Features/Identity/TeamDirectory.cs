using Portal.Web.Data;

namespace Portal.Web.Features.Identity;

/// <summary>
/// Looks up a signed-in person's catalog User and teams (parents included). Identity declares it and the catalog
/// implements it (<c>CatalogTeamDirectory.LoadAsync</c>, registered in <c>AddCatalog</c>), so Identity, part of the
/// shared core, does not depend on the catalog.
/// </summary>
/// <param name="matchByName">False for people from an identity provider: their user name is derived from their e-mail,
/// so matching it to a catalog User could hand them someone else's teams.</param>
public delegate Task<(string? UserRef, IReadOnlySet<string> Teams)> TeamDirectory(PortalDbContext db, string? userName, string? email,
    IEnumerable<string> providerGroups, CancellationToken cancellationToken, bool matchByName = true);
