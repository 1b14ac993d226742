using Portal.Web.Features.Scorecards;

namespace Portal.Tests.Scorecards;

/// <summary>
/// Results store facts only (an outcome code and a value per rule): what is read back must explain exactly as the live
/// check did, and results of an older version of the rules must never be matched to the new ones.
/// </summary>
public sealed class StoredFindingsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    private const string Yaml = """
        apiVersion: portal/v1
        kind: Scorecard
        metadata: { name: every-check, title: Every check }
        spec:
          owner: platform
          levels: [Bronze, Silver]
          rules:
            - { id: owner, title: Owner, level: Bronze, check: owner.team }
            - { id: description, title: Description, level: Bronze, check: field.present, params: { field: description } }
            - { id: lifecycle, title: Lifecycle, level: Bronze, check: lifecycle.in, params: { values: [production] } }
            - { id: source, title: Source, level: Bronze, check: annotation.present, params: { annotation: backstage.io/source-location } }
            - { id: runbook, title: Runbook, level: Bronze, check: link.present, params: { match: runbook } }
            - { id: deps, title: Dependencies, level: Silver, check: relation.present, params: { relation: dependsOn, min: 3 } }
            - { id: slo, title: SLO, level: Silver, check: slo.defined }
            - { id: slo-met, title: SLOs met, level: Silver, check: slo.met }
            - { id: budget, title: Budget, level: Silver, check: slo.budgetRemaining, params: { minPercent: 25 } }
            - { id: telemetry, title: Telemetry, level: Silver, check: telemetry.recent, params: { hours: 24 } }
            - { id: cost, title: Cost, level: Silver, check: cost.taggedShare, params: { minPercent: 95 } }
            - { id: env, title: Environment, level: Silver, check: environment.present, params: { tier: production } }
        """;

    private static readonly ScorecardDefinition Card = ScorecardYaml.ParseOne(Yaml).Definition!;

    private static EntitySignals Entity() => new()
    {
        Ref = "component:default/orders", Kind = "Component", Type = "service", Lifecycle = "production", Owner = "group:default/checkout",
        OwnerIsTeam = true, Description = "Places orders.",
        Annotations = new Dictionary<string, string> { ["backstage.io/source-location"] = "url:https://git.example/orders" },
        Links = [new EntityLink("https://wiki.example/orders/runbook", "Runbook", null, null)],
        Relations = new Dictionary<string, int> { ["dependsOn"] = 2 },
        Slos = [new SloSignal("availability", "ok", 0.6m), new SloSignal("latency", "breached", -0.1m)],
        TelemetryKnown = true, TelemetryLastSeen = Now.AddHours(-30),
        TeamCost = new Dictionary<int, CostShare> { [30] = new CostShare(1000m, 900m) },
        Environments = [new EnvironmentSignal("orders-prod", "production", "Ready")],
    };

    private static IReadOnlyList<RuleResult> RoundTrip(ScorecardOutcome outcome) =>
        StoredFindings.Explain(Card, StoredFindings.RulesKey(Card), StoredFindings.Outcomes(outcome.Findings), StoredFindings.Values(outcome.Findings), outcome.Owner);

    [Fact]
    public void A_stored_result_reads_back_with_the_same_outcomes_values_and_sentences_as_the_live_check()
    {
        foreach (var entity in new[]
        {
            Entity(),
            Entity() with { Owner = null, Description = null, Lifecycle = null, Annotations = new Dictionary<string, string>(), Links = [], Slos = null,
                TelemetryKnown = false, TelemetryLastSeen = null, TeamCost = new Dictionary<int, CostShare>(), Environments = null },
            Entity() with { Owner = "user:default/bob", OwnerIsTeam = false, Lifecycle = "experimental", Slos = [new SloSignal("a", "no-data", null)],
                TelemetryLastSeen = null, Environments = [] },
            Entity() with { Slos = [], TelemetryLastSeen = Now.AddHours(-1) },
        })
        {
            var outcome = ScorecardEvaluator.Evaluate(Card, entity, Now)!;
            var live = Card.Rules.Select(r => ScorecardEvaluator.Check(r, entity, Now)).ToList();
            Assert.Equal(live, RoundTrip(outcome));
        }
    }

    [Fact]
    public void The_stored_form_is_an_outcome_code_per_rule_and_facts_without_sentences()
    {
        var outcome = ScorecardEvaluator.Evaluate(Card, Entity(), Now)!;
        Assert.Equal("pppppfpffffp", StoredFindings.Outcomes(outcome.Findings));
        var values = StoredFindings.Values(outcome.Findings)!;
        Assert.Equal<string?>([null, null, "production", null, null, "2", "2", "1/2\u001flatency", "-10\u001flatency", "2026-12-05T06:00Z", "90",
            "orders-prod\u001fproduction Ready"], values.AsEnumerable());

        // Rules whose outcome says it all store no array at all.
        var presence = ScorecardYaml.ParseOne(BuiltInScorecards.PreProductionYaml).Definition!;
        var bronzeOnly = new ScorecardDefinition(presence.Name, presence.Title, null, presence.Owner, true, presence.Filter, presence.Levels,
            [.. presence.Rules.Where(r => r.Check is RuleTypes.OwnerTeam or RuleTypes.FieldPresent or RuleTypes.LinkPresent or RuleTypes.AnnotationPresent)]);
        Assert.Null(StoredFindings.Values(ScorecardEvaluator.Evaluate(bronzeOnly, Entity(), Now)!.Findings));
    }

    [Fact]
    public void Results_of_an_older_version_of_the_rules_read_as_not_evaluated_yet_instead_of_matching_the_wrong_rules()
    {
        var outcome = ScorecardEvaluator.Evaluate(Card, Entity(), Now)!;
        var oldKey = StoredFindings.RulesKey(Card);
        var edited = ScorecardYaml.ParseOne(Yaml.Replace("minPercent: 95", "minPercent: 50", StringComparison.Ordinal)).Definition!;
        Assert.NotEqual(oldKey, StoredFindings.RulesKey(edited));

        var read = StoredFindings.Explain(edited, oldKey, StoredFindings.Outcomes(outcome.Findings), StoredFindings.Values(outcome.Findings), outcome.Owner);
        Assert.All(read, r => Assert.Equal((RuleOutcome.NoData, "not evaluated yet"), (r.Outcome, r.Value)));
        Assert.False(StoredFindings.AllPass(edited, StoredFindings.RulesKey(edited), oldKey, StoredFindings.Outcomes(outcome.Findings), ["owner"]));
        Assert.True(StoredFindings.AllPass(Card, oldKey, oldKey, StoredFindings.Outcomes(outcome.Findings), ["owner", "runbook"]));
        Assert.False(StoredFindings.AllPass(Card, oldKey, oldKey, StoredFindings.Outcomes(outcome.Findings), ["owner", "deps"]));
    }
}
