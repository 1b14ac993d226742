using Portal.Web.Features.Identity;

namespace Portal.Tests.Identity;

public sealed class AccessRulesTests
{
    private static AccessFacts Person(string id, bool admin = false, bool approver = false, string[]? teams = null, string[]? scopes = null) =>
        new(id, admin, approver, new HashSet<string>(teams ?? [], StringComparer.OrdinalIgnoreCase), scopes?.ToHashSet());

    [Fact]
    public void Members_of_the_owning_team_and_admins_change_what_it_owns()
    {
        Assert.True(AccessRules.CanChangeOwnedBy(Person("a", teams: ["group:default/payments"]), "group:default/payments"));
        Assert.True(AccessRules.CanChangeOwnedBy(Person("a", teams: ["Group:Default/Payments"]), "group:default/payments"));
        Assert.False(AccessRules.CanChangeOwnedBy(Person("b", teams: ["group:default/checkout"]), "group:default/payments"));
        Assert.False(AccessRules.CanChangeOwnedBy(Person("c"), null));
        Assert.True(AccessRules.CanChangeOwnedBy(Person("d", admin: true), "group:default/payments"));
    }

    [Fact]
    public void Approvers_never_approve_their_own_request()
    {
        Assert.True(AccessRules.CanApprove(Person("approver", approver: true), "requester"));
        Assert.False(AccessRules.CanApprove(Person("requester", approver: true), "requester"));
        Assert.False(AccessRules.CanApprove(Person("admin", admin: true), "admin"));
        Assert.False(AccessRules.CanApprove(Person("member"), "requester"));
    }

    [Fact]
    public void Tokens_are_limited_to_their_scopes_and_people_are_not()
    {
        Assert.True(AccessRules.HasScope(Person("p"), PortalScopes.CostWrite));
        Assert.False(AccessRules.HasScope(Person("t", scopes: [PortalScopes.CatalogRead]), PortalScopes.CatalogWrite));
        Assert.True(AccessRules.HasScope(Person("t", scopes: [PortalScopes.Admin]), PortalScopes.CatalogWrite));
    }

    [Fact]
    public void Nobody_grants_scopes_they_do_not_hold()
    {
        Assert.Equal([PortalScopes.Admin], AccessRules.ScopesBeyondCreator(Person("p"), [PortalScopes.CatalogRead, PortalScopes.Admin]));
        Assert.Equal([PortalScopes.CostWrite], AccessRules.ScopesBeyondCreator(Person("t", scopes: [PortalScopes.CatalogRead]), [PortalScopes.CatalogRead, PortalScopes.CostWrite]));
        Assert.Empty(AccessRules.ScopesBeyondCreator(Person("admin", admin: true), PortalScopes.All));
    }

    [Fact]
    public void Only_admins_mint_ingest_tokens()
    {
        Assert.Equal([PortalScopes.SloIngest, PortalScopes.CostWrite],
            AccessRules.ScopesBeyondCreator(Person("p"), [PortalScopes.CatalogWrite, PortalScopes.SloIngest, PortalScopes.CostWrite]));
        Assert.Empty(AccessRules.ScopesBeyondCreator(Person("admin", admin: true), [PortalScopes.SloIngest, PortalScopes.CostWrite]));
        var refused = ApiTokens.Validate(new CreateTokenRequest("exporter", ApiTokenKind.Personal, [PortalScopes.SloIngest], null, 30), Person("p"));
        Assert.Equal("Only platform admins issue tokens with slo:ingest.", Assert.Single(refused["scopes"]));
    }
}
