using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;

namespace Portal.Web.Features.Scorecards;

/// <summary>Reads of campaigns: progress per team (from the stored results), the list, one campaign with its history, a team's to-do.</summary>
public static class CampaignQueries
{
    /// <summary>"reach Silver", "pass runbook, dashboard" or "reach Silver and pass runbook".</summary>
    public static string TargetText(Campaign campaign) =>
        string.Join(" and ", new[]
        {
            campaign.TargetLevel is null ? null : $"reach {campaign.TargetLevel}",
            campaign.RuleIds.Length == 0 ? null : $"pass {string.Join(", ", campaign.RuleIds)}",
        }.Where(t => t is not null));

    /// <summary>
    /// The campaign's progress per team, from the scorecard's stored results: the level and each target rule's outcome
    /// code are read, no sentence is built. Null when the scorecard no longer parses.
    /// </summary>
    public static async Task<IReadOnlyList<TeamProgress>?> ProgressAsync(PortalDbContext db, Campaign campaign, CancellationToken ct)
    {
        if (await TargetAsync(db, campaign, ct) is not { } target)
        {
            return null;
        }
        var key = StoredFindings.RulesKey(target.Definition);
        var teams = campaign.Teams;
        var entities = await db.ScorecardResults.AsNoTracking()
            .Where(r => r.ScorecardId == campaign.ScorecardId && (teams.Length == 0 || (r.Owner != null && teams.Contains(r.Owner))))
            .Select(r => new { r.EntityRef, r.Owner, r.LevelIndex, r.RulesKey, r.Outcomes }).ToListAsync(ct);
        return CampaignProgress.PerTeam(entities.Select(e => new CampaignEntity(e.EntityRef, e.Owner, e.LevelIndex,
            StoredFindings.AllPass(target.Definition, key, e.RulesKey, e.Outcomes, campaign.RuleIds))), target.Index, campaign.Teams);
    }

    /// <summary>The scorecard's definition and the target level's index on it (-1 without one), or null when the scorecard is gone or broken.</summary>
    private static async Task<(ScorecardDefinition Definition, int Index)?> TargetAsync(PortalDbContext db, Campaign campaign, CancellationToken ct)
    {
        var yaml = await db.Scorecards.AsNoTracking().Where(s => s.Id == campaign.ScorecardId).Select(s => s.Yaml).FirstOrDefaultAsync(ct);
        if (yaml is null || ScorecardYaml.ParseOne(yaml).Definition is not { } definition)
        {
            return null;
        }
        return campaign.TargetLevel is null ? (definition, -1) : definition.LevelIndex(campaign.TargetLevel) is var index and >= 0 ? (definition, index) : null;
    }

    public static async Task<IReadOnlyList<CampaignSummary>> ListAsync(PortalDbContext db, DateOnly today, CancellationToken ct)
    {
        var campaigns = await db.Campaigns.AsNoTracking().OrderBy(c => c.Deadline).ThenBy(c => c.Name).ToListAsync(ct);
        var list = new List<CampaignSummary>();
        foreach (var campaign in campaigns)
        {
            list.Add(await SummaryAsync(db, campaign, await ProgressAsync(db, campaign, ct) ?? [], today, ct));
        }
        return list;
    }

    public static async Task<CampaignDetail?> DetailAsync(PortalDbContext db, string name, DateOnly today, CancellationToken ct)
    {
        var campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Name == name, ct);
        if (campaign is null)
        {
            return null;
        }
        var progress = await ProgressAsync(db, campaign, ct) ?? [];
        var history = (await db.CampaignSnapshots.AsNoTracking().Where(s => s.CampaignId == campaign.Id).OrderBy(s => s.At).ThenBy(s => s.Id).ToListAsync(ct))
            .GroupBy(s => s.Team).ToDictionary(g => g.Key, g => (IReadOnlyList<ProgressPoint>)[.. g.Select(s => new ProgressPoint(s.At, s.Done, s.Total))]);
        return new CampaignDetail(await SummaryAsync(db, campaign, progress, today, ct), progress, history);
    }

    private static async Task<CampaignSummary> SummaryAsync(PortalDbContext db, Campaign campaign, IReadOnlyList<TeamProgress> progress, DateOnly today,
        CancellationToken ct)
    {
        var card = await db.Scorecards.AsNoTracking().Where(s => s.Id == campaign.ScorecardId).Select(s => new { s.Name, s.Title }).FirstOrDefaultAsync(ct);
        return new CampaignSummary(campaign.Name, campaign.Title, campaign.Description, card?.Name ?? "", card?.Title ?? "(deleted scorecard)",
            campaign.TargetLevel, campaign.RuleIds, campaign.Teams, campaign.Deadline, CampaignProgress.Status(progress, campaign.Deadline, today),
            progress.Sum(p => p.Done), progress.Sum(p => p.Total), campaign.CreatedAt, campaign.CreatedBy);
    }

    /// <summary>
    /// What <paramref name="teamRef"/> still has to do for every campaign that asks it (open or overdue): the entities not
    /// done, each with the failing rules the target needs (the target's and lower levels' rules, and the named rules).
    /// </summary>
    public static async Task<IReadOnlyList<CampaignTodo>> ForTeamAsync(PortalDbContext db, string teamRef, DateOnly today, CancellationToken ct)
    {
        var since = today.AddDays(-30);
        var campaigns = await db.Campaigns.AsNoTracking().Where(c => c.Deadline >= since && (c.Teams.Length == 0 || c.Teams.Contains(teamRef)))
            .OrderBy(c => c.Deadline).ToListAsync(ct);
        var todos = new List<CampaignTodo>();
        foreach (var campaign in campaigns)
        {
            var yaml = await db.Scorecards.AsNoTracking().Where(s => s.Id == campaign.ScorecardId).Select(s => s.Yaml).FirstOrDefaultAsync(ct);
            if (yaml is null || ScorecardYaml.ParseOne(yaml).Definition is not { } definition)
            {
                continue;
            }
            var target = campaign.TargetLevel is null ? -1 : definition.LevelIndex(campaign.TargetLevel);
            var rows = await db.ScorecardResults.AsNoTracking().Where(r => r.ScorecardId == campaign.ScorecardId && r.Owner == teamRef)
                .OrderBy(r => r.EntityRef).ToListAsync(ct);
            if (rows.Count == 0 && campaign.Teams.Length == 0)
            {
                continue;
            }
            var entities = new List<CampaignTodoEntity>();
            foreach (var row in rows)
            {
                var rules = ScorecardQueries.Rules(definition, row);
                var blocking = rules.Where(r => r.Outcome != RuleOutcome.Pass
                    && (campaign.RuleIds.Contains(r.Id) || (target >= 0 && definition.LevelIndex(r.Level) is var li && li >= 0 && li <= target))).ToList();
                var done = CampaignProgress.IsDone(new CampaignEntity(row.EntityRef, teamRef, row.LevelIndex,
                    campaign.RuleIds.All(id => rules.Any(r => r.Id == id && r.Outcome == RuleOutcome.Pass))), target);
                if (!done)
                {
                    entities.Add(new CampaignTodoEntity(row.EntityRef, row.Level, blocking));
                }
            }
            todos.Add(new CampaignTodo(campaign.Name, campaign.Title, campaign.Deadline, campaign.TargetLevel, rows.Count - entities.Count, rows.Count, entities));
        }
        return todos;
    }
}
