namespace Portal.Web.Features.Scorecards;

/// <summary>The body of <c>POST /api/scorecards/campaigns</c>: a target level and/or rules of a scorecard, teams (none: all), a deadline (yyyy-MM-dd).</summary>
public sealed record CampaignRequest(string? Name, string? Title, string? Description, string? Scorecard, string? Level, IReadOnlyList<string>? Rules,
    IReadOnlyList<string>? Teams, string? Deadline);

/// <summary>A campaign in lists: what it asks, of whom, by when, and how far the teams are.</summary>
public sealed record CampaignSummary(string Name, string Title, string? Description, string Scorecard, string ScorecardTitle, string? Level,
    IReadOnlyList<string> Rules, IReadOnlyList<string> Teams, DateOnly Deadline, string Status, int Done, int Total, DateTimeOffset CreatedAt, string CreatedBy);

/// <summary>A campaign with its progress per team now and over time (one point per change).</summary>
public sealed record CampaignDetail(CampaignSummary Summary, IReadOnlyList<TeamProgress> Teams, IReadOnlyDictionary<string, IReadOnlyList<ProgressPoint>> History);

public sealed record ProgressPoint(DateTimeOffset At, int Done, int Total);

/// <summary>What a team still has to do for a campaign: each entity not done, with the rules that hold it back and how to fix them.</summary>
public sealed record CampaignTodo(string Campaign, string Title, DateOnly Deadline, string? Level, int Done, int Total, IReadOnlyList<CampaignTodoEntity> Entities);

public sealed record CampaignTodoEntity(string EntityRef, string? Level, IReadOnlyList<RuleResult> Blocking);
