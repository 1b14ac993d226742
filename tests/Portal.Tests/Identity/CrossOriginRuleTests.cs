using Portal.Web.Features.Identity;

namespace Portal.Tests.Identity;

public sealed class CrossOriginRuleTests
{
    private const string Own = "https://portal.example";

    [Theory]
    [InlineData("same-origin", null, CrossOriginVerdict.Allow)]
    [InlineData("none", null, CrossOriginVerdict.Allow)]
    [InlineData("same-site", null, CrossOriginVerdict.Refuse)]
    [InlineData("cross-site", null, CrossOriginVerdict.Refuse)]
    [InlineData("same-site", Own, CrossOriginVerdict.Refuse)]
    [InlineData(null, Own, CrossOriginVerdict.Allow)]
    [InlineData(null, "https://PORTAL.example/", CrossOriginVerdict.Allow)]
    [InlineData(null, "https://portal.example:8443", CrossOriginVerdict.Refuse)]
    [InlineData(null, "http://portal.example", CrossOriginVerdict.Refuse)]
    [InlineData(null, "https://evil.example", CrossOriginVerdict.Refuse)]
    [InlineData(null, "null", CrossOriginVerdict.Refuse)]
    [InlineData(null, "https://portal.internal", CrossOriginVerdict.Allow)]
    [InlineData(null, null, CrossOriginVerdict.NeedsAntiforgeryToken)]
    [InlineData("", "", CrossOriginVerdict.NeedsAntiforgeryToken)]
    public void Only_the_portals_own_pages_pass_without_a_token(string? fetchSite, string? origin, CrossOriginVerdict expected)
    {
        var (verdict, reason) = CrossOriginRule.Decide(fetchSite, origin, Own, ["https://portal.internal"]);

        Assert.Equal(expected, verdict);
        Assert.Equal(expected == CrossOriginVerdict.Allow, reason.Length == 0);
    }

    [Theory]
    [InlineData("POST", true)]
    [InlineData("PUT", true)]
    [InlineData("PATCH", true)]
    [InlineData("DELETE", true)]
    [InlineData("GET", false)]
    [InlineData("HEAD", false)]
    [InlineData("OPTIONS", false)]
    public void Every_method_but_the_safe_ones_changes_state(string method, bool changes) => Assert.Equal(changes, CrossOriginRule.ChangesState(method));

    [Theory]
    [InlineData("https://portal.example.com", true)]
    [InlineData("https://portal.example.com/", true)]
    [InlineData("http://127.0.0.1:8080", true)]
    [InlineData("https://portal.example.com/portal", false)]
    [InlineData("https://user@portal.example.com", false)]
    [InlineData("portal.example.com", false)]
    [InlineData("ftp://portal.example.com", false)]
    [InlineData("https://portal.example.com?x=1", false)]
    public void Trusted_origins_are_origins_only(string value, bool valid) => Assert.Equal(valid, CrossOriginRule.IsOrigin(value));

    [Fact]
    public void Only_an_admins_lockout_until_the_end_of_time_counts_as_disabled()
    {
        Assert.True(PortalUser.IsDisabled(PortalUser.DisabledUntil));
        Assert.True(PortalUser.IsDisabled(new DateTimeOffset(9999, 12, 31, 23, 59, 59, TimeSpan.Zero)));
        Assert.False(PortalUser.IsDisabled(DateTimeOffset.UtcNow.AddMinutes(15)));
        Assert.False(PortalUser.IsDisabled(null));
    }
}
