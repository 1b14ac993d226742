using Portal.Web.Features.Environments;

namespace Portal.Tests.Environments;

public sealed class PolicyEvaluatorTests
{
    private static readonly EnvironmentPolicySet Policy = EnvironmentPolicySet.Parse(EnvironmentPolicySet.DefaultYaml).Policy!;
    private static readonly ComponentFacts Cart = new("component:default/cart-service", "group:default/checkout", "production", "system:default/checkout", "Carts");
    private static readonly TeamUsage Nothing = new(0, 0, 0);

    private static PolicyOutcome Evaluate(EnvironmentAsk ask, ComponentFacts? component = null, TeamUsage? usage = null) =>
        PolicyEvaluator.Evaluate(Policy, ask, component ?? Cart, usage ?? Nothing);

    [Fact]
    public void A_valid_dev_request_passes_with_the_default_ttl_and_no_approval()
    {
        var outcome = Evaluate(new EnvironmentAsk("cart-dev", Cart.Ref, "dev", "small", "eu-west-1", null));

        Assert.True(outcome.Compliant, string.Join("; ", outcome.Violations));
        Assert.Equal(TimeSpan.FromDays(3), outcome.Ttl);
        Assert.Null(outcome.ApprovalBy);
        Assert.Equal(1, outcome.Tier!.Cpu);
    }

    [Fact]
    public void Prod_needs_an_approver_and_has_no_ttl()
    {
        var outcome = Evaluate(new EnvironmentAsk("cart-prod", Cart.Ref, "prod", "large", "us-east-1", null));

        Assert.True(outcome.Compliant);
        Assert.Equal("approver", outcome.ApprovalBy);
        Assert.Null(outcome.Ttl);
    }

    [Theory]
    [InlineData("name", "Cart_Dev", "dev", "small", "eu-west-1", null)]
    [InlineData("name", "", "dev", "small", "eu-west-1", null)]
    [InlineData("type", "cart-dev", "qa", "small", "eu-west-1", null)]
    [InlineData("tier", "cart-dev", "dev", "large", "eu-west-1", null)]
    [InlineData("tier", "cart-dev", "dev", "giant", "eu-west-1", null)]
    [InlineData("region", "cart-dev", "dev", "small", "ap-south-9", null)]
    [InlineData("ttl", "cart-dev", "dev", "small", "eu-west-1", "15d")]
    [InlineData("ttl", "cart-dev", "dev", "small", "eu-west-1", "soon")]
    public void Each_broken_rule_names_its_field(string field, string name, string type, string tier, string region, string? ttl)
    {
        var outcome = Evaluate(new EnvironmentAsk(name, Cart.Ref, type, tier, region, ttl));

        var violation = Assert.Single(outcome.Violations);
        Assert.Equal(field, violation.Field);
    }

    [Fact]
    public void A_component_without_owner_or_lifecycle_is_refused_with_both_reasons()
    {
        var bare = new ComponentFacts("component:default/orphan", null, null, null, null);

        var outcome = Evaluate(new EnvironmentAsk("orphan-dev", bare.Ref, "dev", "small", "eu-west-1", null), bare);

        Assert.Equal(2, outcome.Violations.Count(v => v.Field == "component"));
        Assert.Contains(outcome.Violations, v => v.Message.Contains("no owner", StringComparison.Ordinal));
        Assert.Contains(outcome.Violations, v => v.Message.Contains("no lifecycle", StringComparison.Ordinal));
    }

    [Fact]
    public void Quotas_count_environments_cpu_and_memory_of_the_owning_team()
    {
        var full = Evaluate(new EnvironmentAsk("cart-dev", Cart.Ref, "dev", "small", "eu-west-1", null), usage: new TeamUsage(8, 0, 0));
        var cpu = Evaluate(new EnvironmentAsk("cart-dev", Cart.Ref, "dev", "medium", "eu-west-1", null), usage: new TeamUsage(1, 15, 0));
        var memory = Evaluate(new EnvironmentAsk("cart-dev", Cart.Ref, "dev", "medium", "eu-west-1", null), usage: new TeamUsage(1, 0, 45));
        var justFits = Evaluate(new EnvironmentAsk("cart-dev", Cart.Ref, "dev", "medium", "eu-west-1", null), usage: new TeamUsage(7, 14, 44));

        Assert.Equal("component", Assert.Single(full.Violations).Field);
        Assert.Contains("16 CPU", Assert.Single(cpu.Violations).Message, StringComparison.Ordinal);
        Assert.Contains("GiB memory", Assert.Single(memory.Violations).Message, StringComparison.Ordinal);
        Assert.True(justFits.Compliant);
    }

    [Fact]
    public void A_team_quota_overrides_the_default_by_group_name_or_ref()
    {
        Assert.Equal(20, Policy.QuotaFor("group:default/platform").MaxEnvironments);
        Assert.Equal(20, Policy.QuotaFor("Platform").MaxEnvironments);
        Assert.Equal(8, Policy.QuotaFor("group:default/checkout").MaxEnvironments);
    }

    [Fact]
    public void The_estimate_is_tier_times_unit_prices_to_the_cent()
    {
        var prices = new EnvironmentPrices { CpuCoreMonth = 24.00m, MemoryGiMonth = 3.20m, StorageGiMonth = 0.10m };

        Assert.Equal(2 * 24.00m + 4 * 3.20m + 20 * 0.10m, PolicyEvaluator.MonthlyEstimate(Policy.Tiers["medium"], prices));
        Assert.Equal(62.80m, PolicyEvaluator.MonthlyEstimate(Policy.Tiers["medium"], prices));
    }

    [Theory]
    [InlineData("3d", 3 * 24 * 60)]
    [InlineData("12h", 12 * 60)]
    [InlineData("90m", 90)]
    [InlineData("2w", 14 * 24 * 60)]
    [InlineData("P3D", 3 * 24 * 60)]
    [InlineData("PT36H", 36 * 60)]
    public void Ttls_are_read_in_short_and_iso_8601_forms(string text, int minutes)
    {
        Assert.True(Ttl.TryParse(text, out var ttl));
        Assert.Equal(TimeSpan.FromMinutes(minutes), ttl);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0d")]
    [InlineData("-3d")]
    [InlineData("3 days")]
    [InlineData("P")]
    [InlineData("PXD")]
    public void Nonsense_ttls_are_refused(string text) => Assert.False(Ttl.TryParse(text, out _));

    [Fact]
    public void The_default_policy_is_valid_and_a_broken_one_lists_every_problem()
    {
        Assert.Empty(EnvironmentPolicySet.Parse(EnvironmentPolicySet.DefaultYaml).Errors);

        var (policy, errors) = EnvironmentPolicySet.Parse("""
            tiers:
              small: { cpu: 0, memoryGi: 2 }
            types:
              sandbox: { tiers: [small], regions: [eu] }
              dev: { tiers: [tiny], regions: [], approval: maybe, defaultTtl: 20d, maxTtl: 10d }
            naming: '(['
            requiredCatalogFields: [colour]
            """);

        Assert.Null(policy);
        Assert.Contains(errors, e => e.Contains("positive cpu", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("'sandbox' is not an environment type", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("tier 'tiny'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("at least one region", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("approval must be", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("defaultTtl is longer than maxTtl", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("not a valid regular expression", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("'colour'", StringComparison.Ordinal));
    }

    [Fact]
    public void Unknown_policy_keys_are_reported_with_their_line()
    {
        var (_, errors) = EnvironmentPolicySet.Parse("tiers:\n  small: { cpu: 1, memoryGi: 1 }\nquota:\n  default: {}\n");

        Assert.StartsWith("Line 3", Assert.Single(errors), StringComparison.Ordinal);
    }
}
