using System.Text.Json.Nodes;
using Portal.Web.Features.Scorecards;

namespace Portal.Tests.Scorecards;

/// <summary>Each rule type: pass, fail, no data, and the explanation people read (value seen and threshold).</summary>
public sealed class ScorecardEvaluatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    private static EntitySignals Entity() => new()
    {
        Ref = "component:default/orders", Kind = "Component", Type = "service", Lifecycle = "production", Owner = "group:default/checkout",
        OwnerIsTeam = true, System = "system:default/checkout", Description = "Places orders.", Tags = ["dotnet"],
        Annotations = new Dictionary<string, string> { ["backstage.io/source-location"] = "url:https://git.example/orders" },
        Links = [new EntityLink("https://wiki.example/orders/runbook", "Runbook", null, "docs")],
        Relations = new Dictionary<string, int> { ["dependsOn"] = 2 },
        Slos = [new SloSignal("availability", "ok", 0.6m)],
        TelemetryKnown = true, TelemetryLastSeen = Now.AddHours(-2),
        TeamCost = new Dictionary<int, CostShare> { [30] = new CostShare(1000m, 900m) },
        Environments = [new EnvironmentSignal("orders-prod", "production", "Ready")],
    };

    private static RuleResult Run(string check, EntitySignals entity, string? parameters = null)
    {
        var (bound, problems) = RuleTypes.Find(check)!.Bind(parameters is null ? null : JsonNode.Parse(parameters)!.AsObject());
        Assert.Empty(problems);
        return ScorecardEvaluator.Check(new ScorecardRule("r", "R", "Bronze", check, bound!, "fix it"), entity, Now);
    }

    private static void Outcome(string expected, RuleResult result, string whyContains)
    {
        Assert.Equal(expected, result.Outcome);
        Assert.Contains(whyContains, result.Why, StringComparison.Ordinal);
    }

    [Fact]
    public void Owner_team_passes_for_a_known_team_and_fails_for_none_or_a_stranger()
    {
        Outcome(RuleOutcome.Pass, Run(RuleTypes.OwnerTeam, Entity()), "Owned by group:default/checkout, a team the catalog knows.");
        var none = Run(RuleTypes.OwnerTeam, Entity() with { Owner = null });
        Outcome(RuleOutcome.Fail, none, "No owner is set");
        Assert.Equal(("no owner", "a team"), (none.Value, none.Threshold));
        Outcome(RuleOutcome.Fail, Run(RuleTypes.OwnerTeam, Entity() with { Owner = "user:default/bob", OwnerIsTeam = false }), "user:default/bob is not a team");
    }

    [Fact]
    public void Field_present_checks_the_named_field()
    {
        Outcome(RuleOutcome.Pass, Run(RuleTypes.FieldPresent, Entity(), """{"field":"description"}"""), "The field description is filled in.");
        Outcome(RuleOutcome.Fail, Run(RuleTypes.FieldPresent, Entity() with { Description = "  " }, """{"field":"description"}"""), "The field description is empty.");
        Outcome(RuleOutcome.Fail, Run(RuleTypes.FieldPresent, Entity() with { Tags = [] }, """{"field":"tags"}"""), "tags is empty");
        Outcome(RuleOutcome.Pass, Run(RuleTypes.FieldPresent, Entity(), """{"field":"system"}"""), "The field system is filled in.");
    }

    [Fact]
    public void Lifecycle_in_compares_case_insensitively_and_names_the_allowed_values()
    {
        Outcome(RuleOutcome.Pass, Run(RuleTypes.LifecycleIn, Entity() with { Lifecycle = "Production" }, """{"values":["production"]}"""), "is one of production");
        var fail = Run(RuleTypes.LifecycleIn, Entity() with { Lifecycle = "experimental" }, """{"values":["production","deprecated"]}""");
        Outcome(RuleOutcome.Fail, fail, "experimental is not one of production, deprecated");
        Assert.Equal(("experimental", "one of production, deprecated"), (fail.Value, fail.Threshold));
        Outcome(RuleOutcome.Fail, Run(RuleTypes.LifecycleIn, Entity() with { Lifecycle = null }, """{"values":["production"]}"""), "No lifecycle");
    }

    [Fact]
    public void Annotation_present_needs_a_non_empty_value()
    {
        Outcome(RuleOutcome.Pass, Run(RuleTypes.AnnotationPresent, Entity(), """{"annotation":"backstage.io/source-location"}"""), "The annotation backstage.io/source-location is present.");
        Outcome(RuleOutcome.Fail, Run(RuleTypes.AnnotationPresent, Entity(), """{"annotation":"backstage.io/source-template"}"""), "backstage.io/source-template is missing");
        var blank = Entity() with { Annotations = new Dictionary<string, string> { ["backstage.io/source-template"] = "" } };
        Outcome(RuleOutcome.Fail, Run(RuleTypes.AnnotationPresent, blank, """{"annotation":"backstage.io/source-template"}"""), "missing");
    }

    [Fact]
    public void Link_present_matches_title_type_icon_or_url()
    {
        var pass = Run(RuleTypes.LinkPresent, Entity(), """{"match":"RUNBOOK"}""");
        Outcome(RuleOutcome.Pass, pass, "A link's title, type or URL mentions 'RUNBOOK'.");
        Assert.Equal(("present", "a link matching 'RUNBOOK'"), (pass.Value, pass.Threshold));
        Outcome(RuleOutcome.Fail, Run(RuleTypes.LinkPresent, Entity(), """{"match":"dashboard"}"""), "No link's title, type or URL mentions 'dashboard' (1 links).");
        Outcome(RuleOutcome.Pass, Run(RuleTypes.LinkPresent, Entity() with { Links = [new EntityLink("https://x.example/", "Docs", "runbook", null)] }, """{"match":"runbook"}"""), "mentions");
    }

    [Fact]
    public void Relation_present_counts_declared_relations_against_min()
    {
        Outcome(RuleOutcome.Pass, Run(RuleTypes.RelationPresent, Entity(), """{"relation":"dependsOn","min":2}"""), "2 dependsOn relation(s) declared; at least 2 wanted.");
        var fail = Run(RuleTypes.RelationPresent, Entity(), """{"relation":"providesApi"}""");
        Outcome(RuleOutcome.Fail, fail, "0 providesApi relation(s) declared; at least 1 wanted.");
        Assert.Equal(("0", "at least 1"), (fail.Value, fail.Threshold));
    }

    [Fact]
    public void Slo_defined_passes_fails_and_has_no_data_without_the_slo_signal()
    {
        Outcome(RuleOutcome.Pass, Run(RuleTypes.SloDefined, Entity()), "1 SLO(s) defined; at least 1 wanted.");
        Outcome(RuleOutcome.Fail, Run(RuleTypes.SloDefined, Entity() with { Slos = [] }), "0 SLO(s) defined");
        Outcome(RuleOutcome.NoData, Run(RuleTypes.SloDefined, Entity() with { Slos = null }), "No SLO data is available");
    }

    [Fact]
    public void Slo_met_fails_on_a_breach_and_has_no_data_without_events()
    {
        Outcome(RuleOutcome.Pass, Run(RuleTypes.SloMet, Entity() with { Slos = [new("a", "ok", 0.5m), new("b", "warning", 0.1m)] }), "All 2 SLO(s) with data are met.");
        var fail = Run(RuleTypes.SloMet, Entity() with { Slos = [new("a", "ok", 0.5m), new("latency", "breached", -0.2m)] });
        Outcome(RuleOutcome.Fail, fail, "Breached: latency.");
        Assert.Equal("1 of 2 met", fail.Value);
        Outcome(RuleOutcome.NoData, Run(RuleTypes.SloMet, Entity() with { Slos = [new("a", "no-data", null)] }), "no events yet");
        Outcome(RuleOutcome.NoData, Run(RuleTypes.SloMet, Entity() with { Slos = [] }), "No SLO is defined");
    }

    [Fact]
    public void Slo_budget_compares_the_lowest_budget_left_with_the_threshold()
    {
        var pass = Run(RuleTypes.SloBudget, Entity(), """{"minPercent":25}""");
        Outcome(RuleOutcome.Pass, pass, "The lowest error budget left is 60 % (availability); more than 25 % wanted.");
        Assert.Equal(("60 %", "> 25 %"), (pass.Value, pass.Threshold));
        Outcome(RuleOutcome.Fail, Run(RuleTypes.SloBudget, Entity() with { Slos = [new("a", "ok", 0.9m), new("b", "warning", 0.125m)] }, """{"minPercent":25}"""), "12.5 % (b)");
        Outcome(RuleOutcome.NoData, Run(RuleTypes.SloBudget, Entity() with { Slos = [new("a", "no-data", null)] }, """{"minPercent":25}"""), "No SLO has budget data yet.");
    }

    [Fact]
    public void Telemetry_recent_uses_the_last_arrival_and_never_counts_as_a_fail()
    {
        Outcome(RuleOutcome.Pass, Run(RuleTypes.TelemetryRecent, Entity()), "Metrics arrived within 24 h of the evaluation.");
        Outcome(RuleOutcome.Fail, Run(RuleTypes.TelemetryRecent, Entity() with { TelemetryLastSeen = Now.AddHours(-2) }, """{"hours":1}"""), "2026-12-06 10:00 UTC");
        // A fact (when), not "30 h ago" text that is wrong an hour later.
        var stale = Run(RuleTypes.TelemetryRecent, Entity() with { TelemetryLastSeen = Now.AddHours(-30) }, """{"hours":24}""");
        Outcome(RuleOutcome.Fail, stale, "Metrics last arrived 2026-12-05 06:00 UTC; wanted within 24 h of the evaluation.");
        Assert.Equal("2026-12-05 06:00 UTC", stale.Value);
        var never = Run(RuleTypes.TelemetryRecent, Entity() with { TelemetryLastSeen = null });
        Outcome(RuleOutcome.Fail, never, "No metrics from this service");
        Assert.Equal(("never", "within 24 h"), (never.Value, never.Threshold));
        Outcome(RuleOutcome.NoData, Run(RuleTypes.TelemetryRecent, Entity() with { TelemetryKnown = false, TelemetryLastSeen = null }), "No telemetry data");
    }

    [Fact]
    public void Cost_tagged_share_is_the_owner_teams_attributed_part()
    {
        Outcome(RuleOutcome.Pass, Run(RuleTypes.CostTagged, Entity(), """{"minPercent":80}"""), "90 % of the owner team's cost over 30 days is attributed to components; at least 80 % wanted.");
        Outcome(RuleOutcome.Fail, Run(RuleTypes.CostTagged, Entity(), """{"minPercent":95}"""), "90 %");
        Outcome(RuleOutcome.NoData, Run(RuleTypes.CostTagged, Entity(), """{"minPercent":80,"days":7}"""), "No cost of the owner team is known for the last 7 days.");
        Outcome(RuleOutcome.NoData, Run(RuleTypes.CostTagged, Entity() with { TeamCost = new Dictionary<int, CostShare> { [30] = new(0, 0) } }, """{"minPercent":80}"""), "No cost");
    }

    [Fact]
    public void Environment_present_optionally_of_a_tier()
    {
        Outcome(RuleOutcome.Pass, Run(RuleTypes.EnvironmentPresent, Entity(), """{"tier":"production"}"""), "The production environment orders-prod (Ready)");
        Outcome(RuleOutcome.Fail, Run(RuleTypes.EnvironmentPresent, Entity(), """{"tier":"staging"}"""), "No staging environment was made through the portal (1 in all).");
        Outcome(RuleOutcome.Fail, Run(RuleTypes.EnvironmentPresent, Entity() with { Environments = [] }), "No environment");
        Outcome(RuleOutcome.NoData, Run(RuleTypes.EnvironmentPresent, Entity() with { Environments = null }), "No environment data");
    }

    [Fact]
    public void An_unknown_check_is_no_data_never_a_pass()
    {
        var result = ScorecardEvaluator.Check(new ScorecardRule("x", "X", "Bronze", "delivery.frequency", RuleParameters.None, null), Entity(), Now);
        Outcome(RuleOutcome.NoData, result, "unknown");
    }

    [Fact]
    public void The_level_is_the_highest_whose_rules_and_all_lower_ones_pass_and_no_data_blocks_it()
    {
        var card = ScorecardYaml.ParseOne(BuiltInScorecards.ProductionReadinessYaml).Definition!;

        // Gold also asks for spend within budget and environments that comply with the policy.
        var gold = Entity() with
        {
            BudgetKnown = true, Budget = new BudgetSignal("team", 80m, 100m, "USD", new DateOnly(2026, 12, 1)), EnvironmentCompliance = [new("orders-prod", [])],
        };
        var full = ScorecardEvaluator.Evaluate(card, gold with { Links = [.. Entity().Links, new EntityLink("https://grafana.example/d/orders", "Dashboard", null, null)] }, Now)!;
        Assert.Equal(("Gold", 2), (full.Level, full.LevelIndex));

        var noCost = ScorecardEvaluator.Evaluate(card, gold with { Links = [.. Entity().Links, new EntityLink("https://g.example/", "Dashboard", null, null)], TeamCost = new Dictionary<int, CostShare>() }, Now)!;
        Assert.Equal("Silver", noCost.Level);
        Assert.Equal(1, noCost.NoData);

        var noBudget = ScorecardEvaluator.Evaluate(card, gold with
        {
            Links = [.. Entity().Links, new EntityLink("https://g.example/", "Dashboard", null, null)], Budget = null,
        }, Now)!;
        Assert.Equal(("Silver", RuleOutcome.NoData), (noBudget.Level, noBudget.Rules.Single(r => r.Id == "within-budget").Outcome));

        var noRunbook = ScorecardEvaluator.Evaluate(card, Entity() with { Links = [] }, Now)!;
        Assert.Null(noRunbook.Level);
        Assert.Equal(-1, noRunbook.LevelIndex);
        // A failing Bronze rule caps the level even though every Gold rule passes.
        Assert.Equal(RuleOutcome.Pass, noRunbook.Rules.Single(r => r.Id == "slo-met").Outcome);
    }

    [Fact]
    public void The_filter_selects_by_kind_type_lifecycle_tags_and_system()
    {
        var card = ScorecardYaml.ParseOne(BuiltInScorecards.ProductionReadinessYaml).Definition!;
        Assert.Null(ScorecardEvaluator.Evaluate(card, Entity() with { Lifecycle = "experimental" }, Now));
        Assert.Null(ScorecardEvaluator.Evaluate(card, Entity() with { Kind = "API" }, Now));
        var filter = new ScorecardFilter([], ["service"], [], ["pci", "gdpr"], ["checkout"]);
        Assert.False(filter.Matches(Entity()));
        Assert.True(filter.Matches(Entity() with { Tags = ["PCI"] }));
        Assert.False(filter.Matches(Entity() with { Tags = ["pci"], System = "system:default/payments" }));
        Assert.False(filter.Matches(Entity() with { Tags = ["pci"], Type = "website" }));
    }
}
