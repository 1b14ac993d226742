using Portal.Web.Features.Cost;

namespace Portal.Tests.Cost;

/// <summary>Rules on tag values (exact, prefix, regex with groups), which rule decides, and what a rule list would move.</summary>
public sealed class CostValueRuleTests
{
    private static readonly CatalogNames Catalog = new(
        new HashSet<string>(StringComparer.Ordinal) { "group:default/payments", "group:default/search" },
        new Dictionary<string, string?>(StringComparer.Ordinal) { ["component:default/checkout-api"] = "group:default/payments" });

    private static CostAllocationRule Rule(string match, string dimension, string? valueMatch = null, string? pattern = null, string? value = null, string kind = "tag") =>
        new() { Kind = kind, Match = match, Dimension = dimension, ValueMatch = valueMatch, Pattern = pattern, Value = value };

    private static ChargeFacts Tags(params (string Key, string Value)[] tags) =>
        new(tags.ToDictionary(t => t.Key, t => t.Value), null, null, null);

    [Fact]
    public void A_regex_on_a_tag_value_maps_owner_team_payments_to_the_payments_team_through_its_group()
    {
        List<CostAllocationRule> rules = [Rule("Owner", "team", "regex", "team-(.*)", "$1")];

        Assert.Equal("group:default/payments", CostRules.Apply(Tags(("owner", "team-Payments")), rules, Catalog).Team);
        Assert.Null(CostRules.Apply(Tags(("owner", "alice@example.com")), rules, Catalog).Team); // no match, no team
        Assert.Null(CostRules.Apply(Tags(("owner", "team-unknown")), rules, Catalog).Team);      // matches, but no such team
        Assert.Null(CostRules.Apply(Tags(("owner", "xteam-payments")), rules, Catalog).Team);    // the whole value must match
    }

    [Fact]
    public void Prefix_takes_what_follows_and_exact_assigns_its_value_and_the_first_deciding_rule_wins()
    {
        List<CostAllocationRule> rules =
        [
            Rule("cost-center", "team", "exact", "CC-2042", "search"),
            Rule("owner", "team", "prefix", "team-"),
            Rule("project", "component", "regex", @"(checkout)-(api|web)", "$1-api"),
            Rule("stage", "environment", "prefix", "env-"),
        ];

        var decision = CostRules.Decide(Tags(("Cost-Center", "cc-2042"), ("owner", "team-payments"), ("project", "checkout-web"), ("stage", "env-Prod")), rules, Catalog);

        Assert.Equal(new Attribution("group:default/search", "component:default/checkout-api", "prod"), decision.Attribution);
        Assert.Equal((0, 2, 3), (decision.TeamRule, decision.ComponentRule, decision.EnvironmentRule));
        var fromOwner = CostRules.Decide(Tags(("owner", "team-payments")), rules, Catalog);
        Assert.Equal(("group:default/payments", 1), (fromOwner.Attribution.Team, fromOwner.TeamRule));
        var fromComponent = CostRules.Decide(Tags(("project", "checkout-api")), rules, Catalog);
        Assert.Equal(("group:default/payments", 2), (fromComponent.Attribution.Team, fromComponent.TeamRule)); // the component's owner
        Assert.Null(CostRules.Apply(Tags(("owner", "team-")), rules, Catalog).Team); // nothing after the prefix
    }

    [Fact]
    public void Value_rules_are_validated_with_their_position()
    {
        var errors = CostRules.Validate(
        [
            Rule("owner", "team", "regex", "team-(", "$1"),
            Rule("owner", "team", "regex", "team-.*", "$1"),
            Rule("owner", "team", "glob", "team-*"),
            Rule("owner", "team", "exact", ""),
            Rule("sub-1", "team", "exact", "x", "payments", kind: "subaccount"),
        ]);

        Assert.Contains(errors, e => e.StartsWith("Rule 1: 'team-(' is not a regular expression", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Rule 2: '$1' refers to $1, but 'team-.*' has 0 group(s)", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Rule 3: the value match must be one of exact, prefix, regex", StringComparison.Ordinal));
        Assert.Contains("Rule 4: say which value it matches.", errors);
        Assert.Contains("Rule 5: only tag rules match on the tag's value.", errors);
    }

    [Fact]
    public void The_preview_tally_says_per_rule_how_much_cost_it_decides_and_moves_and_the_unallocated_before_and_after()
    {
        List<CostAllocationRule> rules = [Rule("owner", "team", "regex", "team-(.*)"), Rule("env", "environment")];
        var tally = new RulePreviewTally(rules);
        var unallocated = new Attribution(null, null, null);

        // Was unallocated, the regex gives it a team (moves 10) and env keeps "prod" (decides, moves nothing).
        tally.Add(new Attribution(null, null, "prod"), CostRules.Decide(Tags(("owner", "team-payments"), ("env", "prod")), rules, Catalog), 10m);
        // Already payments: decided by the regex again, nothing moves.
        tally.Add(new Attribution("group:default/payments", null, null), CostRules.Decide(Tags(("owner", "team-payments")), rules, Catalog), 5m);
        // Was search (an old rule), no rule matches now: it becomes unallocated, moved by no rule.
        tally.Add(new Attribution("group:default/search", null, null), CostRules.Decide(Tags(("team", "search")), rules, Catalog), 2.5m);
        tally.Add(unallocated, CostRules.Decide(Tags(), rules, Catalog), 1m);

        var preview = tally.Result();

        Assert.Equal((15m, 2, 10m, 1), (preview.Rules[0].DecidesCost, preview.Rules[0].DecidesRows, preview.Rules[0].MovesCost, preview.Rules[0].MovesRows));
        Assert.Equal((10m, 0m), (preview.Rules[1].DecidesCost, preview.Rules[1].MovesCost));
        Assert.Equal((12.5m, 2), (preview.ChangedCost, preview.ChangedRows));
        Assert.Equal((11m, 3.5m, 18.5m), (preview.UnallocatedBefore, preview.UnallocatedAfter, preview.TotalCost));
    }
}
