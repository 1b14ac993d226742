using Portal.Web.Features.Identity;

namespace Portal.Web.Features.Catalog;

/// <summary>
/// Which catalog writes carry authority. Group and User entities decide who is in which team (members, memberOf,
/// parent, children) and who a signed-in person is (profile.email), so only trusted sources may write them; and
/// an owner is a claim that a team answers for something, so it may only name a team the writer acts for.
/// </summary>
public static class EntityAuthority
{
    /// <summary>The kinds <see cref="TeamMembership"/> reads: whoever writes them grants teams.</summary>
    public static bool IsIdentityKind(string? kind) =>
        string.Equals(kind, "Group", StringComparison.OrdinalIgnoreCase) || string.Equals(kind, "User", StringComparison.OrdinalIgnoreCase);

    /// <summary>Why the entity API refuses <paramref name="who"/> writing or deleting an entity of <paramref name="kind"/>, or null.</summary>
    public static string? ApiProblem(AccessFacts who, string? kind) =>
        IsIdentityKind(kind) && !who.IsAdmin
            ? $"{kind} entities define team membership and sign-in identity (members, memberOf, parent, children, profile.email); "
              + "only admins change them, through the entity API, an admin-registered location or the identity provider."
            : null;

    /// <summary>
    /// Why an entity from a location that <paramref name="registrant"/> registered is not imported, or null.
    /// <paramref name="existingOwner"/> is the owner of the entity as stored now when another source holds it,
    /// so a location cannot take over what another team owns by naming it again.
    /// </summary>
    public static string? LocationProblem(LocationRegistrant registrant, string kind, string? owner, string? existingOwner)
    {
        if (IsIdentityKind(kind) && !registrant.TrustedForIdentity)
        {
            var source = registrant.TaskId is null ? "a location registered by a non-admin" : "a location a template registered";
            return $"{kind} entities define team membership and sign-in identity; they are not accepted from {source} "
                + $"(registered by {registrant.Description}). An admin registers people and teams.";
        }
        if (registrant.IsAdmin)
        {
            return null;
        }
        if (owner is not null && !registrant.Teams.Contains(owner, StringComparer.OrdinalIgnoreCase))
        {
            return $"The owner {owner} is not a team the registrant {registrant.Description} may act for; the entity was not imported.";
        }
        if (existingOwner is not null && !registrant.Teams.Contains(existingOwner, StringComparer.OrdinalIgnoreCase))
        {
            return $"The entity already exists and is owned by {existingOwner}, which is not a team the registrant {registrant.Description} "
                + "may act for; the entity was not imported.";
        }
        return null;
    }
}
