using Portal.Web.Features.Scorecards;

namespace Portal.Tests.Scorecards;

public sealed class ScorecardYamlTests
{
    [Fact]
    public void The_built_in_scorecards_parse_enabled_and_export_back_to_the_same_definition()
    {
        foreach (var (name, yaml) in BuiltInScorecards.All)
        {
            var parsed = ScorecardYaml.ParseOne(yaml);
            Assert.Empty(parsed.Errors);
            var card = parsed.Definition!;
            Assert.Equal(name, card.Name);
            Assert.True(card.Enabled);
            Assert.Equal(["Bronze", "Silver", "Gold"], card.Levels);

            var again = ScorecardYaml.ParseOne(ScorecardYaml.ToYaml(card)).Definition!;

            Assert.Equal(ScorecardYaml.ToJson(card).ToJsonString(), ScorecardYaml.ToJson(again).ToJsonString());
        }
    }

    [Fact]
    public void Each_problem_is_named_with_where_it_is()
    {
        var parsed = ScorecardYaml.ParseOne("""
            apiVersion: portal/v1
            kind: Scorecard
            metadata:
              name: Bad Name
            spec:
              owner: platform
              levels: [Bronze, Bronze]
              filter: { colour: blue }
              rules:
                - id: a
                  level: Platinum
                  check: owner.team
                - id: b
                  level: Bronze
                  check: slo.budgetRemaining
                  params: { minPercent: 140, extra: 1 }
                - id: c
                  level: Bronze
                  check: run.shell
            """);

        Assert.Null(parsed.Definition);
        Assert.Contains(parsed.Errors, e => e.StartsWith("metadata.name", StringComparison.Ordinal));
        Assert.Contains(parsed.Errors, e => e.StartsWith("spec.levels", StringComparison.Ordinal));
        Assert.Contains("spec.filter.colour is unknown (kind, type, lifecycle, tags, system).", parsed.Errors);
        Assert.Contains(parsed.Errors, e => e.StartsWith("spec.rules[0].level must be one of", StringComparison.Ordinal));
        Assert.Contains("spec.rules[1]: 'slo.budgetRemaining' parameter 'minPercent' must be a number from 0 to 100.", parsed.Errors);
        Assert.Contains("spec.rules[1]: 'slo.budgetRemaining' has no parameter 'extra' (it takes: minPercent).", parsed.Errors);
        Assert.Contains(parsed.Errors, e => e.StartsWith("spec.rules[2].check 'run.shell' is not a known check", StringComparison.Ordinal));
    }

    [Fact]
    public void Typed_parameters_get_defaults_and_refuse_wrong_kinds()
    {
        var type = RuleTypes.Find(RuleTypes.CostTagged)!;
        var (bound, problems) = type.Bind(System.Text.Json.Nodes.JsonNode.Parse("""{"minPercent":"80"}""")!.AsObject());
        Assert.Empty(problems);
        Assert.Equal((80m, 30L), (bound!.Number("minPercent"), bound.Whole("days")));

        var (_, wrong) = type.Bind(System.Text.Json.Nodes.JsonNode.Parse("""{"minPercent":80,"days":1.5}""")!.AsObject());
        Assert.Equal(["'cost.taggedShare' parameter 'days' must be a whole number from 1 to 365."], wrong);
        var (_, missing) = RuleTypes.Find(RuleTypes.LinkPresent)!.Bind(null);
        Assert.Equal(["'link.present' needs the parameter 'match' (e.g. runbook)."], missing);
    }

    [Fact]
    public void Not_a_scorecard_too_large_and_broken_yaml_get_clear_errors()
    {
        Assert.Equal(["apiVersion must be portal/v1 and kind Scorecard.", "spec is missing."],
            ScorecardYaml.ParseOne("apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: x\n").Errors);
        Assert.StartsWith("The file is larger than", ScorecardYaml.Parse(new string('#', ScorecardYaml.MaxBytes + 1)).Single().Errors.Single(), StringComparison.Ordinal);
        Assert.Contains("line", ScorecardYaml.Parse("metadata: [unclosed\n").Single().Errors.Single(), StringComparison.Ordinal);
        Assert.Equal(["The file holds no scorecard."], ScorecardYaml.Parse("").Single().Errors);
    }

    [Theory]
    [InlineData("spec.rules[1]: 'slo.budgetRemaining' parameter 'minPercent' must be a number from 0 to 100.", "spec.rules[1]", "'slo.budgetRemaining' parameter 'minPercent' must be a number from 0 to 100.")]
    [InlineData("metadata.name must be 1 to 63 lower-case letters, digits and dashes.", "metadata.name", "must be 1 to 63 lower-case letters, digits and dashes.")]
    [InlineData("spec.filter.colour is unknown (kind, type, lifecycle, tags, system).", "spec.filter.colour", "is unknown (kind, type, lifecycle, tags, system).")]
    [InlineData("The YAML does not parse: (Line: 3, Col: 1) mapping values are not allowed.", "(file)", "The YAML does not parse: (Line: 3, Col: 1) mapping values are not allowed.")]
    public void A_problem_is_split_into_the_field_it_names_and_its_message_for_the_editor(string error, string field, string message)
    {
        Assert.Equal((field, message), ScorecardYaml.Field(error));
    }
}
