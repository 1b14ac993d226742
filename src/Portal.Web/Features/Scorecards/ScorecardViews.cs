namespace Portal.Web.Features.Scorecards;

/// <summary>
/// A scorecard in lists: its definition's outline and the totals of its latest evaluation; <see cref="Source"/> is the
/// catalog entity it is read from (changed in git only), null when made in the portal.
/// </summary>
public sealed record ScorecardSummary(Guid Id, string Name, string Title, string? Description, string Owner, bool Enabled, bool BuiltIn,
    IReadOnlyList<string> Levels, int Rules, DateTimeOffset? EvaluatedAt, int Entities, IReadOnlyList<LevelCount> Distribution,
    double? ComplianceRate, double? TelemetryCoverage, string? Source);

/// <summary>How many entities are at a level (<see cref="Level"/> null: none reached).</summary>
public sealed record LevelCount(string? Level, int Entities);

/// <summary>A definition with its YAML (what export returns).</summary>
public sealed record ScorecardDetail(ScorecardSummary Summary, string Yaml, IReadOnlyList<ScorecardRuleView> RuleList);

public sealed record ScorecardRuleView(string Id, string Title, string Level, string Check, IReadOnlyDictionary<string, object> Parameters, string? HowToFix);

/// <summary>One scorecard's verdict on one entity, with the rules (why, how to fix) and the level's history.</summary>
public sealed record EntityScorecard(string Scorecard, string Title, IReadOnlyList<string> Levels, string? Level, int LevelIndex, int Passed, int Total,
    IReadOnlyList<RuleResult> Rules, DateTimeOffset ChangedAt, IReadOnlyList<LevelChange> History);

public sealed record LevelChange(DateTimeOffset At, string? Level, int Passed, int Total);

/// <summary>A stored result, for the results list and the CSV export.</summary>
public sealed record ScorecardResultRow(string Scorecard, string EntityRef, string Kind, string? Owner, string? Level, int Passed, int Failed, int NoData,
    int Total, DateTimeOffset ChangedAt);

/// <summary>A team's components and their levels per scorecard, and the fixes that would raise most components a level.</summary>
public sealed record TeamScorecards(string Team, IReadOnlyList<string> Scorecards, IReadOnlyList<TeamComponentRow> Components, IReadOnlyList<NextStep> NextSteps);

public sealed record TeamComponentRow(string EntityRef, IReadOnlyDictionary<string, string?> Levels);

/// <summary>
/// A rule that holds components below their next level: <see cref="Components"/> is how many it blocks (the impact),
/// <see cref="Refs"/> which.
/// </summary>
public sealed record NextStep(string Scorecard, string RuleId, string Title, string Level, string? HowToFix, int Components, IReadOnlyList<string> Refs);

/// <summary>The organisation view: per scorecard its distribution, M7 compliance, M5 coverage and the trend of its runs.</summary>
public sealed record OrganisationScorecards(IReadOnlyList<ScorecardSummary> Scorecards, IReadOnlyDictionary<string, IReadOnlyList<TrendPoint>> Trends);

/// <summary>One evaluation's totals: compliance = passing checks / checks (M7), coverage = components sending telemetry / checked (M5).</summary>
public sealed record TrendPoint(DateTimeOffset At, int Entities, IReadOnlyList<int> LevelCounts, double? ComplianceRate, double? TelemetryCoverage);
