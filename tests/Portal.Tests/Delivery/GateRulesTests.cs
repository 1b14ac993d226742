using Portal.Web.Features.Delivery;

namespace Portal.Tests.Delivery;

public sealed class GateRulesTests
{
    private static readonly GateSlo Healthy = new("latency", 0.6m, []);
    private static readonly GateSlo Spent = new("availability", -0.25m, []);
    private static readonly GateSlo Paging = new("availability", 0.4m, [("page-1h-5m", "page")]);
    private static readonly GateSlo Ticketing = new("availability", 0.4m, [("ticket-1d-2h", "ticket")]);

    [Fact]
    public void An_exhausted_budget_or_a_page_alert_denies_with_the_reason()
    {
        var spent = GateRules.Decide(GatePolicy.Default(), "prod", [Healthy, Spent], null, false);
        Assert.False(spent.Allowed);
        Assert.Equal(("budget-exhausted", "availability"), (spent.Reasons.Single().Kind, spent.Reasons.Single().Slo));
        Assert.Contains("125 % of it spent", spent.Reasons.Single().Message, StringComparison.Ordinal);

        var paging = GateRules.Decide(GatePolicy.Default(), "Production", [Paging], null, false);
        Assert.Equal(("deny", "alert-firing"), (paging.Decision, paging.Reasons.Single().Kind));
        Assert.True(GateRules.Decide(GatePolicy.Default(), "prod", [Ticketing], null, false).Allowed); // tickets do not stop deploys by default
        Assert.False(GateRules.Decide(new GatePolicy { DenyOnAlertSeverities = ["page", "ticket"] }, "prod", [Ticketing], null, false).Allowed);
    }

    [Fact]
    public void Ungated_environments_healthy_slos_and_slos_without_data_allow()
    {
        Assert.Equal("not-gated", GateRules.Decide(GatePolicy.Default(), "staging", [Spent], null, false).Reasons.Single().Kind);
        Assert.Equal("within-budget", GateRules.Decide(GatePolicy.Default(), "prod", [Healthy], null, false).Reasons.Single().Kind);
        Assert.True(GateRules.Decide(GatePolicy.Default(), "prod", [new GateSlo("new", null, [])], null, false).Allowed);
        Assert.True(GateRules.Decide(GatePolicy.Default(), "prod", [], null, false).Allowed);
        Assert.True(GateRules.Decide(new GatePolicy { DenyOnExhaustedBudget = false }, "prod", [Spent], null, false).Allowed);
        Assert.True(GateRules.Decide(new GatePolicy { Slos = ["latency"] }, "prod", [Healthy, Spent], null, false).Allowed);
    }

    [Fact]
    public void An_override_or_a_fix_lets_a_denied_deployment_through_and_keeps_the_reasons()
    {
        var entry = new GateOverride
        {
            ComponentRef = "component:default/a", Environment = "prod", Reason = "INC-7 hotfix", CreatedBy = "ana",
            ExpiresAt = new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero),
        };
        var overridden = GateRules.Decide(GatePolicy.Default(), "prod", [Spent], entry, false);
        Assert.True(overridden.Allowed);
        Assert.Equal(["override", "budget-exhausted"], overridden.Reasons.Select(r => r.Kind));
        Assert.Contains("INC-7 hotfix", overridden.Reasons[0].Message, StringComparison.Ordinal);

        Assert.Equal(["fix-exception", "budget-exhausted"], GateRules.Decide(GatePolicy.Default(), "prod", [Spent], null, true).Reasons.Select(r => r.Kind));
        Assert.False(GateRules.Decide(new GatePolicy { AllowFixes = false }, "prod", [Spent], null, true).Allowed);
    }
}
