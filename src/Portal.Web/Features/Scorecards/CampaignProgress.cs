namespace Portal.Web.Features.Scorecards;

/// <summary>One entity a campaign looks at: its owner, its level on the scorecard and whether the campaign's rules all pass.</summary>
public sealed record CampaignEntity(string EntityRef, string? Owner, int LevelIndex, bool RulesPass);

/// <summary>A team's standing on a campaign: how many of its entities in scope are done, and which are not.</summary>
public sealed record TeamProgress(string Team, int Done, int Total, IReadOnlyList<string> Remaining)
{
    public bool Complete => Done == Total;
}

/// <summary>The pure arithmetic of campaigns: what "done" means, progress per team, and when a reminder is due.</summary>
public static class CampaignProgress
{
    /// <summary>Days before the deadline on which a team that is behind is reminded (besides once a week).</summary>
    public static readonly IReadOnlySet<int> FinalDays = new HashSet<int> { 7, 3, 1, 0 };

    /// <summary>Done: at or above the target level (when there is one) and every target rule passes.</summary>
    public static bool IsDone(CampaignEntity entity, int targetLevelIndex) =>
        entity.LevelIndex >= targetLevelIndex && entity.RulesPass;

    /// <summary>
    /// Progress per team, ordered by the most remaining first (entities without an owner last). <paramref name="teams"/> empty means every owning team; a
    /// listed team that owns nothing in scope still appears (0 of 0) so an admin sees the campaign reached it. Entities
    /// without an owner are under "(no owner)", since nobody else will fix them.
    /// </summary>
    public static IReadOnlyList<TeamProgress> PerTeam(IEnumerable<CampaignEntity> entities, int targetLevelIndex, IReadOnlyCollection<string> teams)
    {
        var wanted = teams.Count == 0 ? null : new HashSet<string>(teams, StringComparer.OrdinalIgnoreCase);
        var groups = entities
            .Where(e => wanted is null || (e.Owner is not null && wanted.Contains(e.Owner)))
            .GroupBy(e => e.Owner ?? NoOwner, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.OrdinalIgnoreCase);
        foreach (var team in teams.Where(t => !groups.ContainsKey(t)))
        {
            groups[team] = [];
        }
        return groups.Select(g =>
            {
                var remaining = g.Value.Where(e => !IsDone(e, targetLevelIndex)).Select(e => e.EntityRef).Order(StringComparer.Ordinal).ToList();
                return new TeamProgress(g.Key, g.Value.Count - remaining.Count, g.Value.Count, remaining);
            })
            .OrderBy(p => p.Team == NoOwner).ThenByDescending(p => p.Total - p.Done).ThenBy(p => p.Team, StringComparer.Ordinal).ToList();
    }

    public const string NoOwner = "(no owner)";

    /// <summary>
    /// Whether to remind the teams still behind today: weekly while the campaign runs, and on each of <see cref="FinalDays"/>;
    /// never twice a day, never after the deadline.
    /// </summary>
    public static bool ReminderDue(DateOnly deadline, DateOnly today, DateOnly? remindedOn)
    {
        var daysLeft = deadline.DayNumber - today.DayNumber;
        if (daysLeft < 0 || remindedOn == today)
        {
            return false;
        }
        return FinalDays.Contains(daysLeft) || remindedOn is null || today.DayNumber - remindedOn.Value.DayNumber >= 7;
    }

    /// <summary>"open", "complete" (every team done) or "overdue" (the deadline passed with work left).</summary>
    public static string Status(IReadOnlyList<TeamProgress> teams, DateOnly deadline, DateOnly today) =>
        teams.All(t => t.Complete) ? "complete" : today > deadline ? "overdue" : "open";
}
