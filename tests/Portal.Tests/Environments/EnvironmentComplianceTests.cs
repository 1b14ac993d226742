using Portal.Web.Features.Environments;

namespace Portal.Tests.Environments;

/// <summary>What "policy compliant" (M7) means for an environment that exists, against the default policy.</summary>
public sealed class EnvironmentComplianceTests
{
    private static readonly EnvironmentPolicySet Policy = EnvironmentPolicySet.Parse(EnvironmentPolicySet.DefaultYaml).Policy!;
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
    private static readonly TeamUsage Light = new(2, 3, 6);

    private static ComplianceSubject Dev(EnvironmentStatus status = EnvironmentStatus.Ready, DateTimeOffset? expires = null) =>
        new("cart-dev", "component:default/cart", "group:default/checkout", "dev", "small", "eu-west-1", TimeSpan.FromDays(3),
            expires ?? Now.AddDays(1), null, status, 1, 2);

    private static ComplianceSubject Prod(string? decidedBy = "Ana Silva") =>
        new("cart-prod", "component:default/cart", "group:default/checkout", "prod", "large", "us-east-1", null, null, decidedBy,
            EnvironmentStatus.Ready, 4, 16);

    [Fact]
    public void An_environment_made_within_the_policy_complies()
    {
        Assert.Empty(EnvironmentCompliance.Problems(Policy, Dev(), Light, Now));
        Assert.Empty(EnvironmentCompliance.Problems(Policy, Prod(), Light, Now));
    }

    [Fact]
    public void A_ready_environment_past_its_ttl_does_not_comply_but_one_being_torn_down_is_not_blamed()
    {
        var late = EnvironmentCompliance.Problems(Policy, Dev(expires: Now.AddMinutes(-1)), Light, Now);

        Assert.Equal(["past its TTL since 2026-12-06 11:59 UTC"], late);
        Assert.Empty(EnvironmentCompliance.Problems(Policy, Dev(EnvironmentStatus.Failed, Now.AddMinutes(-1)), Light, Now));
    }

    [Fact]
    public void Type_tier_region_and_ttl_outside_the_policy_in_force_are_each_named()
    {
        var problems = EnvironmentCompliance.Problems(Policy,
            Dev() with { Tier = "large", Region = "ap-south-1", Ttl = TimeSpan.FromDays(20) }, Light, Now);
        var gone = EnvironmentCompliance.Problems(Policy, Dev() with { Type = "qa" }, Light, Now);

        Assert.Equal(["tier large not allowed for dev", "region ap-south-1 not allowed for dev", "TTL 20d over the 14d allowed"], problems);
        Assert.Equal(["type qa no longer allowed"], gone);
    }

    [Fact]
    public void A_prod_environment_nobody_approved_does_not_comply()
    {
        Assert.Equal(["never approved (needs approver)"], EnvironmentCompliance.Problems(Policy, Prod(decidedBy: null), Light, Now));
    }

    [Theory]
    [InlineData(8, 16, 48, false)] // exactly the default quota
    [InlineData(9, 16, 48, true)]
    [InlineData(8, 16.5, 48, true)]
    [InlineData(8, 16, 49, true)]
    public void An_owner_team_over_its_quota_makes_its_environments_non_compliant(int count, double cpu, double memory, bool over)
    {
        var problems = EnvironmentCompliance.Problems(Policy, Dev(), new TeamUsage(count, (decimal)cpu, (decimal)memory), Now);

        Assert.Equal(over, problems.Count == 1 && problems[0].StartsWith("checkout over quota (", StringComparison.Ordinal));
        Assert.Equal(over ? 1 : 0, problems.Count);
    }
}
