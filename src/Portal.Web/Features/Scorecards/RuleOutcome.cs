namespace Portal.Web.Features.Scorecards;

/// <summary>A rule's verdict on one entity.</summary>
public static class RuleOutcome
{
    public const string Pass = "pass";
    public const string Fail = "fail";

    /// <summary>The signal is unknown for this entity: never counted as a pass.</summary>
    public const string NoData = "no-data";
}

/// <summary>
/// One rule's result with its reason: <see cref="Value"/> is what was seen, <see cref="Threshold"/> what the rule wants,
/// <see cref="Why"/> the sentence people read.
/// </summary>
public sealed record RuleResult(string Id, string Title, string Level, string Check, string Outcome, string Value, string Threshold, string Why,
    string? HowToFix);

/// <summary>
/// A scorecard's verdict on one entity: the highest level whose rules (and those of every lower level) all pass,
/// or none (<see cref="LevelIndex"/> -1), and every rule's result.
/// </summary>
public sealed record ScorecardOutcome(string EntityRef, string? Level, int LevelIndex, IReadOnlyList<RuleResult> Rules)
{
    public int Passed => Rules.Count(r => r.Outcome == RuleOutcome.Pass);
    public int Failed => Rules.Count(r => r.Outcome == RuleOutcome.Fail);
    public int NoData => Rules.Count(r => r.Outcome == RuleOutcome.NoData);
}
