namespace Portal.Web.Features.Scorecards;

/// <summary>A rule's verdict on one entity.</summary>
public static class RuleOutcome
{
    public const string Pass = "pass";
    public const string Fail = "fail";

    /// <summary>The signal is unknown for this entity: never counted as a pass.</summary>
    public const string NoData = "no-data";

    /// <summary>The one-character code a stored result keeps per rule (<c>p</c>, <c>f</c>, <c>n</c>).</summary>
    public static char Code(string outcome) => outcome switch
    {
        Pass => 'p',
        Fail => 'f',
        _ => 'n',
    };

    public static string FromCode(char code) => code switch
    {
        'p' => Pass,
        'f' => Fail,
        _ => NoData,
    };
}

/// <summary>
/// What a check found, as facts only: the outcome, the value seen (a count, a percentage, a time, a name; null when the
/// outcome says it all) and an optional detail (e.g. the breached SLOs). This is what is stored; the sentences people
/// read are derived from it and the rule by <see cref="RuleExplanation"/>.
/// </summary>
public sealed record RuleFinding(string Outcome, string? Value = null, string? Detail = null);

/// <summary>
/// One rule's result with its reason: <see cref="Value"/> is what was seen, <see cref="Threshold"/> what the rule wants,
/// <see cref="Why"/> the sentence people read.
/// </summary>
public sealed record RuleResult(string Id, string Title, string Level, string Check, string Outcome, string Value, string Threshold, string Why,
    string? HowToFix);

/// <summary>
/// A scorecard's verdict on an entity: the highest level whose rules (and those of every lower level) all pass, or none
/// (<see cref="LevelIndex"/> -1), and every rule's finding (in the scorecard's order); <see cref="Rules"/> explains them.
/// </summary>
public sealed record ScorecardOutcome(string EntityRef, string? Owner, string? Level, int LevelIndex, IReadOnlyList<ScorecardRule> RuleList,
    IReadOnlyList<RuleFinding> Findings)
{
    public int Passed => Findings.Count(f => f.Outcome == RuleOutcome.Pass);
    public int Failed => Findings.Count(f => f.Outcome == RuleOutcome.Fail);
    public int NoData => Findings.Count(f => f.Outcome == RuleOutcome.NoData);

    /// <summary>The findings with their sentences (built on each call: the evaluation job never needs them).</summary>
    public IReadOnlyList<RuleResult> Rules => [.. RuleList.Select((r, i) => RuleExplanation.Explain(r, Findings[i], Owner))];
}
