using Portal.Web.Features.Delivery;
using Portal.Web.Features.Identity;

namespace Portal.Tests.Delivery;

public sealed class DeliveryEventRulesTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    private static BuildEvent Build(string? status = "succeeded", DateTimeOffset? finished = null, string? sha = "abcdef1234567") =>
        new("order-service", "ci", "42", sha, "main", status, Start, finished ?? Start.AddMinutes(5), "https://ci.example/42");

    [Fact]
    public void A_complete_build_passes_and_each_problem_is_named_by_its_field()
    {
        Assert.Empty(DeliveryEventRules.Validate(Build()));
        Assert.Equal(["commitSha"], DeliveryEventRules.Validate(Build(sha: "g123456")).Keys);
        Assert.Equal(["commitSha"], DeliveryEventRules.Validate(Build(sha: "abc")).Keys);
        Assert.Equal(["status"], DeliveryEventRules.Validate(Build(status: "passed")).Keys);
        Assert.Equal(["finishedAt"], DeliveryEventRules.Validate(Build(finished: Start.AddMinutes(-1))).Keys);
        Assert.Equal(["finishedAt"], DeliveryEventRules.Validate(Build() with { FinishedAt = null }).Keys);
        Assert.Equal(["finishedAt"], DeliveryEventRules.Validate(Build(status: "running")).Keys); // running has no finish yet
        Assert.Empty(DeliveryEventRules.Validate(Build(status: "Running") with { FinishedAt = null }));
        Assert.Equal(["component", "pipeline", "runId", "startedAt"],
            DeliveryEventRules.Validate(Build() with { Component = "api:default/orders-api", Pipeline = " ", RunId = new string('1', 201), StartedAt = null }).Keys.Order());
        Assert.Equal(["url"], DeliveryEventRules.Validate(Build() with { Url = "ftp://ci.example/42" }).Keys);
    }

    [Fact]
    public void A_deployment_needs_a_commit_and_names_the_bad_one_by_its_position()
    {
        var ok = new DeploymentEvent("order-service", "prod", "7", "1.2.3", null,
            [new DeploymentEventCommit("abcdef1", Start.AddHours(-3)), new DeploymentEventCommit("1234567", null)], "succeeded", false, Start, Start.AddMinutes(3), null, "ana");
        Assert.Empty(DeliveryEventRules.Validate(ok));
        Assert.Equal(["commits[1].sha"], DeliveryEventRules.Validate(ok with { Commits = [new("abcdef1", null), new("nope", null)] }).Keys);
        Assert.Equal(["commitSha"], DeliveryEventRules.Validate(ok with { Commits = null }).Keys);
        Assert.Equal(["environment"], DeliveryEventRules.Validate(ok with { Environment = "" }).Keys);
    }

    [Fact]
    public void Component_names_become_component_refs_and_other_kinds_are_refused()
    {
        Assert.Equal("component:default/order-service", DeliveryEventRules.ComponentRefOf("Order-Service"));
        Assert.Equal("component:shop/cart", DeliveryEventRules.ComponentRefOf("component:shop/cart"));
        Assert.Null(DeliveryEventRules.ComponentRefOf("group:default/payments"));
        Assert.Null(DeliveryEventRules.ComponentRefOf(" "));
    }

    [Fact]
    public void Only_the_components_a_token_is_limited_to_and_only_the_owners_personal_tokens_may_send()
    {
        var member = new AccessFacts("u1", false, false, new HashSet<string> { "group:default/checkout" }, new HashSet<string> { PortalScopes.DeliveryWrite });
        var serviceToken = new AccessFacts(null, false, false, new HashSet<string>(), new HashSet<string> { PortalScopes.DeliveryWrite });
        const string order = "component:default/order-service";

        Assert.True(DeliveryEventRules.MaySend(member, [], order, "group:default/checkout"));
        Assert.False(DeliveryEventRules.MaySend(member, [], order, "group:default/payments"));
        Assert.True(DeliveryEventRules.MaySend(serviceToken, [], order, "group:default/payments"));
        Assert.True(DeliveryEventRules.MaySend(serviceToken, ["order-service"], order, null));
        Assert.True(DeliveryEventRules.MaySend(serviceToken, ["component:default/order-service"], order, null));
        Assert.False(DeliveryEventRules.MaySend(serviceToken, ["cart-service"], order, null));
        Assert.False(DeliveryEventRules.MaySend(member with { IsAdmin = true }, ["cart-service"], order, null));
    }
}
