using System.Text.Json.Nodes;
using Portal.Web.Features.Scorecards;

namespace Portal.Tests.Scorecards;

/// <summary>
/// The cost budget, environment policy compliance and template checks: pass and fail at their thresholds, "no data" for
/// every way the signal can be missing, and the sentences with the value seen and the threshold.
/// </summary>
public sealed class BudgetEnvironmentTemplateCheckTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    private static EntitySignals Entity() => new()
    {
        Ref = "component:default/orders", Kind = "Component", Owner = "group:default/checkout", OwnerIsTeam = true,
    };

    private static RuleResult Run(string check, EntitySignals entity, string? parameters = null)
    {
        var (bound, problems) = RuleTypes.Find(check)!.Bind(parameters is null ? null : JsonNode.Parse(parameters)!.AsObject());
        Assert.Empty(problems);
        return ScorecardEvaluator.Check(new ScorecardRule("r", "R", "Gold", check, bound!, null), entity, Now);
    }

    private static EntitySignals Budget(decimal spent, decimal amount, string scope = "team") =>
        Entity() with { BudgetKnown = true, Budget = new BudgetSignal(scope, spent, amount, "EUR", new DateOnly(2026, 12, 1)) };

    [Theory]
    [InlineData(100, "pass")] // exactly the budget
    [InlineData(100.01, "fail")]
    [InlineData(0, "pass")]
    public void Within_budget_passes_up_to_exactly_the_budget(double spent, string expected)
    {
        var result = Run(RuleTypes.CostBudget, Budget((decimal)spent, 100m));

        Assert.Equal(expected, result.Outcome);
        Assert.Equal("<= 100 %", result.Threshold);
    }

    [Fact]
    public void Within_budget_explains_whose_budget_the_spend_and_the_month()
    {
        var team = Run(RuleTypes.CostBudget, Budget(450m, 400m));
        var own = Run(RuleTypes.CostBudget, Budget(72.5m, 100m, "component"), """{"maxPercent":80}""");

        Assert.Equal((RuleOutcome.Fail, "112.5 %"), (team.Outcome, team.Value));
        Assert.Equal("Its owner team spent 450.00 of its 400.00 EUR budget for 2026-12 (112.5 %); at most 100 % wanted.", team.Why);
        Assert.Equal((RuleOutcome.Pass, "<= 80 %"), (own.Outcome, own.Threshold));
        Assert.StartsWith("The component spent 72.50 of its 100.00 EUR budget", own.Why, StringComparison.Ordinal);
    }

    [Fact]
    public void Within_budget_without_a_budget_or_without_budget_data_is_no_data_never_a_pass()
    {
        var none = Run(RuleTypes.CostBudget, Entity() with { BudgetKnown = true });
        var unknown = Run(RuleTypes.CostBudget, Entity());

        Assert.Equal((RuleOutcome.NoData, "no data"), (none.Outcome, none.Value));
        Assert.Contains("Neither this component nor its owner team has a budget", none.Why, StringComparison.Ordinal);
        Assert.Equal(RuleOutcome.NoData, unknown.Outcome);
        Assert.Contains("Budgets were not available", unknown.Why, StringComparison.Ordinal);
    }

    [Fact]
    public void Compliance_passes_when_every_existing_environment_complies_and_fails_naming_the_broken_ones()
    {
        var ok = Run(RuleTypes.EnvironmentCompliant, Entity() with { EnvironmentCompliance = [new("orders-dev", []), new("orders-prod", [])] });
        var broken = Run(RuleTypes.EnvironmentCompliant, Entity() with
        {
            EnvironmentCompliance = [new("orders-dev", ["past its TTL since 2026-12-01 10:00 UTC"]), new("orders-prod", [])],
        });

        Assert.Equal((RuleOutcome.Pass, "2/2 compliant", "all compliant"), (ok.Outcome, ok.Value, ok.Threshold));
        Assert.Equal("All 2 environment(s) that exist comply with the environment policy.", ok.Why);
        Assert.Equal((RuleOutcome.Fail, "1/2 compliant"), (broken.Outcome, broken.Value));
        Assert.Equal("Not compliant with the environment policy: orders-dev: past its TTL since 2026-12-01 10:00 UTC.", broken.Why);
    }

    [Fact]
    public void Compliance_without_environments_or_environment_data_is_no_data()
    {
        var none = Run(RuleTypes.EnvironmentCompliant, Entity() with { EnvironmentCompliance = [] });
        var unknown = Run(RuleTypes.EnvironmentCompliant, Entity());

        Assert.Equal(RuleOutcome.NoData, none.Outcome);
        Assert.Contains("has no environment that exists", none.Why, StringComparison.Ordinal);
        Assert.Equal(RuleOutcome.NoData, unknown.Outcome);
        Assert.Contains("No environment data", unknown.Why, StringComparison.Ordinal);
    }

    private static EntitySignals Made(bool exists = true, bool current = true, DateTimeOffset? newerSince = null) => Entity() with
    {
        TemplateKnown = true,
        Template = new TemplateSignal("template:default/aspnet-service", new DateTimeOffset(2026, 9, 1, 8, 0, 0, TimeSpan.Zero), exists, current, newerSince),
    };

    [Fact]
    public void Created_from_a_template_passes_for_a_scaffolder_run_and_fails_without_one()
    {
        var made = Run(RuleTypes.TemplateCreated, Made());
        var byHand = Run(RuleTypes.TemplateCreated, Entity() with { TemplateKnown = true });
        var unknown = Run(RuleTypes.TemplateCreated, Entity());

        Assert.Equal((RuleOutcome.Pass, "template:default/aspnet-service"), (made.Outcome, made.Value));
        Assert.Equal("Made by a run of template:default/aspnet-service on 2026-09-01.", made.Why);
        Assert.Equal((RuleOutcome.Fail, "no", "a scaffolder run"), (byHand.Outcome, byHand.Value, byHand.Threshold));
        Assert.Equal(RuleOutcome.NoData, unknown.Outcome);
    }

    [Theory]
    [InlineData(30, "pass")] // the newer version is exactly 30 days old
    [InlineData(31, "fail")]
    public void Template_version_passes_while_the_newer_version_is_at_most_the_given_days_old(int daysOld, string expected)
    {
        var result = Run(RuleTypes.TemplateCurrent, Made(current: false, newerSince: Now.AddDays(-daysOld).AddHours(-1)), """{"days":30}""");

        Assert.Equal(expected, result.Outcome);
        Assert.Equal(($"{daysOld} days behind", "at most 30 days behind"), (result.Value, result.Threshold));
        Assert.Contains($"the newer version is {daysOld} day(s) old", result.Why, StringComparison.Ordinal);
    }

    [Fact]
    public void Template_version_is_current_when_the_template_did_not_change_and_no_data_without_a_run_or_a_template()
    {
        var current = Run(RuleTypes.TemplateCurrent, Made(), """{"days":0}""");
        var byHand = Run(RuleTypes.TemplateCurrent, Entity() with { TemplateKnown = true });
        var gone = Run(RuleTypes.TemplateCurrent, Made(exists: false, current: false));
        var unknown = Run(RuleTypes.TemplateCurrent, Entity());

        Assert.Equal((RuleOutcome.Pass, "current", "the current version"), (current.Outcome, current.Value, current.Threshold));
        Assert.Equal("template:default/aspnet-service has not changed since this entity was made from it.", current.Why);
        Assert.Equal(RuleOutcome.NoData, byHand.Outcome);
        Assert.Contains("No scaffolder run made this entity", byHand.Why, StringComparison.Ordinal);
        Assert.Equal(RuleOutcome.NoData, gone.Outcome);
        Assert.Equal("The template template:default/aspnet-service it was made from is no longer in the catalog, so its version cannot be compared.", gone.Why);
        Assert.Equal(RuleOutcome.NoData, unknown.Outcome);
    }

    [Fact]
    public void New_check_parameters_are_checked_with_a_clear_problem()
    {
        var (_, budget) = RuleTypes.Find(RuleTypes.CostBudget)!.Bind(JsonNode.Parse("""{"maxPercent":0}""")!.AsObject());
        var (_, template) = RuleTypes.Find(RuleTypes.TemplateCurrent)!.Bind(JsonNode.Parse("""{"days":-1}""")!.AsObject());
        var (_, compliant) = RuleTypes.Find(RuleTypes.EnvironmentCompliant)!.Bind(JsonNode.Parse("""{"tier":"prod"}""")!.AsObject());

        Assert.Equal(["'cost.withinBudget' parameter 'maxPercent' must be a whole number from 1 to 1000."], budget);
        Assert.Equal(["'template.current' parameter 'days' must be a whole number from 0 to 3650."], template);
        Assert.Equal(["'environment.compliant' has no parameter 'tier' (it takes: none)."], compliant);
    }

    [Fact]
    public void Every_check_description_fits_as_the_title_of_a_rule_that_has_none()
    {
        // A rule without a title takes its check's description, and titles are at most RuleType.MaxText long.
        Assert.All(RuleTypes.All, t => Assert.True(t.Description.Length <= RuleType.MaxText, $"{t.Name}: {t.Description.Length} characters"));
    }
}
