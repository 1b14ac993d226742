namespace Portal.Web.Features.Identity;

/// <summary>
/// The portal's authorization rules as pure functions: the API and the pages ask the same
/// questions, so a page never offers what the API would refuse.
/// </summary>
public static class AccessRules
{
    /// <summary>Tokens are limited to their scopes; a person signed in with a cookie has them all.</summary>
    public static bool HasScope(AccessFacts who, string scope) =>
        who.Scopes is null || who.Scopes.Contains(scope) || who.Scopes.Contains(PortalScopes.Admin);

    /// <summary>Only members of the owning team, or admins, change what a team owns.</summary>
    public static bool CanChangeOwnedBy(AccessFacts who, string? ownerRef) =>
        who.IsAdmin || (ownerRef is not null && who.Teams.Contains(ownerRef));

    /// <summary>Approvers approve, but never their own request.</summary>
    public static bool CanApprove(AccessFacts who, string requesterUserId) =>
        (who.IsApprover || who.IsAdmin) && who.UserId is not null && !string.Equals(who.UserId, requesterUserId, StringComparison.Ordinal);

    /// <summary>Locations, template sources, policies, ingest tokens and users are the admins' business.</summary>
    public static bool CanAdminister(AccessFacts who) => who.IsAdmin;

    /// <summary>Scopes only admins put into tokens: admin itself, and ingest tokens (telemetry and billing data that every team's figures rest on).</summary>
    public static readonly IReadOnlySet<string> AdminOnlyScopes = new HashSet<string>(StringComparer.Ordinal)
    {
        PortalScopes.Admin, PortalScopes.SloIngest, PortalScopes.CostWrite,
    };

    /// <summary>A token can carry only scopes its creator holds: nobody mints more power than they have.</summary>
    public static IReadOnlyList<string> ScopesBeyondCreator(AccessFacts creator, IEnumerable<string> requested) =>
        requested.Where(s => AdminOnlyScopes.Contains(s) ? !creator.IsAdmin : !HasScope(creator, s)).ToList();
}
