using System.Text.Json.Nodes;
using Portal.Web.Features.Incidents;
using Portal.Web.Features.Scorecards;

namespace Portal.Tests.Scorecards;

/// <summary>The delivery and incident checks: pass and fail exactly at their thresholds, and "no data" when the signal is unknown.</summary>
public sealed class DeliveryIncidentCheckTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    private static EntitySignals Entity(DeliveryWindow? window = null, int days = 28) => new()
    {
        Ref = "component:default/orders", Kind = "Component", Owner = "group:default/checkout", OwnerIsTeam = true,
        Delivery = window is null ? null : new Dictionary<int, DeliveryWindow> { [days] = window },
    };

    private static RuleResult Run(string check, EntitySignals entity, string? parameters = null)
    {
        var (bound, problems) = RuleTypes.Find(check)!.Bind(parameters is null ? null : JsonNode.Parse(parameters)!.AsObject());
        Assert.Empty(problems);
        return ScorecardEvaluator.Check(new ScorecardRule("r", "R", "Silver", check, bound!, null), entity, Now);
    }

    [Theory]
    [InlineData(8, "pass")] // 8 in 28 days is exactly 2 a week
    [InlineData(7, "fail")]
    [InlineData(0, "fail")]
    public void Deploy_frequency_passes_from_exactly_the_weekly_threshold(int deployments, string expected)
    {
        var result = Run(RuleTypes.DeployFrequency, Entity(new DeliveryWindow(deployments, 0, 0)), """{"perWeek":2}""");

        Assert.Equal(expected, result.Outcome);
        Assert.Equal($"{deployments} in 28 days", result.Value);
        Assert.Equal(">= 2/week", result.Threshold);
    }

    [Fact]
    public void Deploy_frequency_uses_its_own_window_and_explains_the_weekly_rate()
    {
        var result = Run(RuleTypes.DeployFrequency, Entity(new DeliveryWindow(3, 0, 0), days: 7), """{"perWeek":3,"days":7}""");

        Assert.Equal(RuleOutcome.Pass, result.Outcome);
        Assert.Contains("3 successful production deployment(s) in the last 7 days (3 a week)", result.Why, StringComparison.Ordinal);
    }

    [Fact]
    public void Delivery_checks_answer_no_data_for_a_component_that_never_sent_an_event()
    {
        var deploy = Run(RuleTypes.DeployFrequency, Entity(), """{"perWeek":1}""");
        var build = Run(RuleTypes.BuildSuccess, Entity(), """{"minPercent":90}""");

        Assert.Equal((RuleOutcome.NoData, "no data"), (deploy.Outcome, deploy.Value));
        Assert.Equal(RuleOutcome.NoData, build.Outcome);
        Assert.Contains("never sent a delivery event", build.Why, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(9, 1, "pass")] // exactly 90 %
    [InlineData(8, 1, "fail")] // 88.9 %
    [InlineData(0, 3, "fail")]
    public void Build_success_passes_from_exactly_the_percentage(int succeeded, int failed, string expected)
    {
        var result = Run(RuleTypes.BuildSuccess, Entity(new DeliveryWindow(0, succeeded, failed)), """{"minPercent":90}""");

        Assert.Equal(expected, result.Outcome);
        Assert.Contains($"({succeeded}/{succeeded + failed})", result.Why, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_success_without_finished_builds_in_the_window_is_no_data_not_zero_percent()
    {
        var result = Run(RuleTypes.BuildSuccess, Entity(new DeliveryWindow(5, 0, 0)), """{"minPercent":50}""");

        Assert.Equal(RuleOutcome.NoData, result.Outcome);
        Assert.Contains("No build finished in the last 28 days", result.Why, StringComparison.Ordinal);
    }

    [Fact]
    public void On_call_passes_with_a_schedule_fails_without_and_is_no_data_when_unknown()
    {
        Assert.Equal(RuleOutcome.Pass, Run(RuleTypes.OnCallPresent, Entity() with { TeamOnCall = true }).Outcome);
        var fail = Run(RuleTypes.OnCallPresent, Entity() with { TeamOnCall = false });
        Assert.Equal(RuleOutcome.Fail, fail.Outcome);
        Assert.Contains("group:default/checkout has no on-call schedule", fail.Why, StringComparison.Ordinal);
        Assert.Equal(RuleOutcome.NoData, Run(RuleTypes.OnCallPresent, Entity()).Outcome);
    }

    [Fact]
    public void Alert_routing_passes_when_routed_fails_when_not_and_is_no_data_when_the_receivers_are_unknown()
    {
        Assert.Equal(RuleOutcome.Pass, Run(RuleTypes.AlertRouting, Entity() with { TeamRouted = true }).Outcome);
        var fail = Run(RuleTypes.AlertRouting, Entity() with { TeamRouted = false });
        Assert.Equal(RuleOutcome.Fail, fail.Outcome);
        Assert.Contains("No receiver takes group:default/checkout's incidents", fail.Why, StringComparison.Ordinal);
        Assert.Equal(RuleOutcome.NoData, Run(RuleTypes.AlertRouting, Entity()).Outcome);
    }

    [Fact]
    public void Routing_counts_a_receiver_for_every_team_and_team_receivers_case_insensitively()
    {
        var named = IncidentReads.Routing(new IncidentsOptions
        {
            Receivers = [new IncidentReceiver { Url = "https://hooks.example/a", Team = "Group:default/Payments" }],
        });
        var everyone = IncidentReads.Routing(new IncidentsOptions { Receivers = [new IncidentReceiver { Url = "https://hooks.example/b" }] });
        var none = IncidentReads.Routing(new IncidentsOptions());

        Assert.True(named.Routes("group:default/payments"));
        Assert.False(named.Routes("group:default/search"));
        Assert.True(everyone.Routes("group:default/search"));
        Assert.False(none.Routes("group:default/payments"));
    }

    [Fact]
    public void Delivery_parameters_are_checked_with_a_clear_problem()
    {
        var (_, problems) = RuleTypes.Find(RuleTypes.DeployFrequency)!.Bind(JsonNode.Parse("""{"perWeek":0,"days":3}""")!.AsObject());

        Assert.Contains("'delivery.deployFrequency' parameter 'perWeek' must be a whole number from 1 to 1000.", problems);
        Assert.Contains("'delivery.deployFrequency' parameter 'days' must be a whole number from 7 to 365.", problems);
    }
}
