namespace Portal.Web.Features.Scorecards;

/// <summary>
/// A scorecard as its YAML says (<c>apiVersion: portal/v1</c>, <c>kind: Scorecard</c>): rules grouped into ordered levels,
/// which entities it judges, and the team that owns it. Parsed and validated by <see cref="ScorecardYaml"/>.
/// </summary>
public sealed record ScorecardDefinition(string Name, string Title, string? Description, string Owner, bool Enabled,
    ScorecardFilter Filter, IReadOnlyList<string> Levels, IReadOnlyList<ScorecardRule> Rules)
{
    /// <summary>The position of a level (0 lowest), or -1 for none.</summary>
    public int LevelIndex(string? level) => level is null ? -1 : Levels.ToList().FindIndex(l => string.Equals(l, level, StringComparison.OrdinalIgnoreCase));
}

/// <summary>Which entities a scorecard applies to: each list narrows (empty: any); values compare case-insensitively; tags: any of them.</summary>
public sealed record ScorecardFilter(IReadOnlyList<string> Kinds, IReadOnlyList<string> Types, IReadOnlyList<string> Lifecycles,
    IReadOnlyList<string> Tags, IReadOnlyList<string> Systems)
{
    public bool Matches(EntitySignals entity) =>
        In(Kinds, entity.Kind) && In(Types, entity.Type) && In(Lifecycles, entity.Lifecycle) && In(Systems, entity.System, ShortName)
        && (Tags.Count == 0 || entity.Tags.Any(t => Tags.Contains(t, StringComparer.OrdinalIgnoreCase)));

    private static bool In(IReadOnlyList<string> allowed, string? value, Func<string, string>? shorten = null) =>
        allowed.Count == 0 || (value is not null && allowed.Any(a => string.Equals(a, value, StringComparison.OrdinalIgnoreCase)
            || (shorten is not null && string.Equals(shorten(a), shorten(value), StringComparison.OrdinalIgnoreCase))));

    // A system may be named as "payments" or "system:default/payments".
    private static string ShortName(string reference) => reference[(reference.LastIndexOf('/') + 1)..];
}

/// <summary>One typed check (<see cref="Check"/> is one of <see cref="RuleTypes"/>) with its validated parameters, at a level.</summary>
public sealed record ScorecardRule(string Id, string Title, string Level, string Check, RuleParameters Parameters, string? HowToFix);
