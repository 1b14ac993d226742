using Portal.Web.Features.Identity;
using Portal.Web.Infrastructure.OpenApi;

namespace Portal.Tests.Foundation;

public sealed class ApiAccessTests
{
    private static List<string> Describe(IReadOnlyList<ApiAccessOption> options) =>
        [.. options.Select(o => $"{o.Scheme}[{string.Join(' ', o.Scopes)}]")];

    [Fact]
    public void A_write_route_in_a_read_group_needs_both_scopes_or_a_session()
    {
        var options = ApiAccess.Options([PortalPolicies.CatalogRead, PortalPolicies.CatalogWrite], anonymous: false);

        Assert.Equal(["bearerToken[catalog:read catalog:write]", "sessionCookie[]"], Describe(options));
    }

    [Fact]
    public void Reading_environments_takes_either_scope()
    {
        var options = ApiAccess.Options([PortalPolicies.EnvironmentsRead], anonymous: false);

        Assert.Equal(["bearerToken[catalog:read]", "bearerToken[environments:write]", "sessionCookie[]"], Describe(options));
    }

    [Fact]
    public void Admin_routes_need_only_the_admin_scope_because_it_satisfies_every_other()
    {
        var options = ApiAccess.Options([PortalPolicies.CatalogRead, PortalPolicies.Admin], anonymous: false);

        Assert.Equal(["bearerToken[admin]", "sessionCookie[]"], Describe(options));
    }

    [Fact]
    public void Metrics_ingestion_takes_a_token_and_never_a_session()
    {
        var options = ApiAccess.Options([PortalPolicies.SloIngest], anonymous: false);

        Assert.Equal(["bearerToken[slo:ingest]"], Describe(options));
    }

    [Fact]
    public void Signed_in_routes_take_any_token_or_session_and_anonymous_routes_nothing()
    {
        Assert.Equal(["bearerToken[]", "sessionCookie[]"], Describe(ApiAccess.Options([null], anonymous: false)));
        Assert.Empty(ApiAccess.Options([null], anonymous: true));
    }

    [Fact]
    public void A_policy_the_document_does_not_know_fails_loudly_instead_of_being_left_out()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => ApiAccess.Options(["scope:something:new"], anonymous: false));
        Assert.Contains("scope:something:new", ex.Message, StringComparison.Ordinal);
    }
}
