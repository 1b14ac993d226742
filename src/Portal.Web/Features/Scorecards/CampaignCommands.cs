using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Identity;
using Portal.Web.Infrastructure.Notifications;

namespace Portal.Web.Features.Scorecards;

/// <summary>Writes to campaigns: create (validated against the scorecard and the catalog's teams), delete, progress snapshots and reminders.</summary>
public static partial class CampaignCommands
{
    public const int MaxTeams = 200;
    public const int MaxRules = 50;

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")]
    private static partial Regex NameFormat();

    /// <summary>Validates a request; the errors are keyed by field, so a form shows each next to its input.</summary>
    public static async Task<(Campaign? Campaign, Dictionary<string, string[]> Errors)> ValidateAsync(PortalDbContext db, CampaignRequest request,
        DateOnly today, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var name = request.Name?.Trim() ?? "";
        if (!NameFormat().IsMatch(name))
        {
            errors["name"] = ["name is 1-63 lower-case letters, digits and dashes, starting and ending with a letter or digit."];
        }
        else if (await db.Campaigns.AnyAsync(c => c.Name == name, ct))
        {
            errors["name"] = [$"A campaign named {name} exists already."];
        }
        var title = request.Title?.Trim() ?? "";
        if (title.Length is 0 or > 200)
        {
            errors["title"] = ["title is 1 to 200 characters."];
        }
        if (request.Description is { Length: > 2000 })
        {
            errors["description"] = ["description is at most 2000 characters."];
        }
        DateOnly deadline = default;
        if (!DateOnly.TryParseExact(request.Deadline?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out deadline))
        {
            errors["deadline"] = ["deadline is a date, yyyy-MM-dd."];
        }
        else if (deadline < today)
        {
            errors["deadline"] = [$"deadline {deadline:yyyy-MM-dd} has passed."];
        }

        var stored = string.IsNullOrWhiteSpace(request.Scorecard) ? null
            : await db.Scorecards.AsNoTracking().FirstOrDefaultAsync(s => s.Name == request.Scorecard.Trim(), ct);
        var definition = stored is null ? null : ScorecardYaml.ParseOne(stored.Yaml).Definition;
        string? level = null;
        var rules = (request.Rules ?? []).Select(r => r.Trim()).Where(r => r.Length > 0).Distinct(StringComparer.Ordinal).ToArray();
        if (definition is null)
        {
            errors["scorecard"] = [string.IsNullOrWhiteSpace(request.Scorecard) ? "scorecard names the scorecard the campaign is about." : $"There is no scorecard {request.Scorecard}."];
        }
        else
        {
            if (!string.IsNullOrWhiteSpace(request.Level))
            {
                var index = definition.LevelIndex(request.Level.Trim());
                if (index < 0)
                {
                    errors["level"] = [$"{stored!.Title} has the levels {string.Join(", ", definition.Levels)}; '{request.Level}' is not one of them."];
                }
                else
                {
                    level = definition.Levels[index];
                }
            }
            var unknown = rules.Where(r => definition.Rules.All(d => d.Id != r)).ToList();
            if (rules.Length > MaxRules)
            {
                errors["rules"] = [$"At most {MaxRules} rules."];
            }
            else if (unknown.Count > 0)
            {
                errors["rules"] = [$"{stored!.Title} has no rule {string.Join(", ", unknown)}; its rules are {string.Join(", ", definition.Rules.Select(r => r.Id))}."];
            }
            if (level is null && rules.Length == 0 && !errors.ContainsKey("level"))
            {
                errors["level"] = ["Ask for a level, rules, or both."];
            }
        }

        var teams = new List<string>();
        var requested = (request.Teams ?? []).Where(t => !string.IsNullOrWhiteSpace(t)).ToList();
        if (requested.Count > MaxTeams)
        {
            errors["teams"] = [$"At most {MaxTeams} teams; leave the list empty to ask every team."];
        }
        else
        {
            var problems = new List<string>();
            foreach (var team in requested)
            {
                string teamRef;
                try
                {
                    teamRef = EntityRef.Parse(team.Trim(), defaultKind: "group").ToString();
                }
                catch (FormatException)
                {
                    problems.Add($"'{team}' is not a team name.");
                    continue;
                }
                if (!teamRef.StartsWith("group:", StringComparison.Ordinal) || !await CatalogReads.ExistsAsync(db, teamRef, CatalogKinds.Group, ct))
                {
                    problems.Add($"{team} is not a team (Group) of the catalog.");
                }
                else if (!teams.Contains(teamRef))
                {
                    teams.Add(teamRef);
                }
            }
            if (problems.Count > 0)
            {
                errors["teams"] = [.. problems];
            }
        }
        if (errors.Count > 0)
        {
            return (null, errors);
        }
        return (new Campaign
        {
            Name = name, Title = title, Description = string.IsNullOrWhiteSpace(request.Description) ? null : request.Description.Trim(),
            ScorecardId = stored!.Id, TargetLevel = level, RuleIds = rules, Teams = [.. teams], Deadline = deadline, CreatedBy = "",
        }, errors);
    }

    /// <summary>Creates a validated campaign and records the teams' starting point.</summary>
    public static async Task CreateAsync(PortalDbContext db, Campaign campaign, AuditActor actor, DateTimeOffset now, CancellationToken ct)
    {
        (campaign.CreatedAt, campaign.CreatedBy) = (now, actor.Name);
        db.Campaigns.Add(campaign);
        AuditLog.Record(db, actor, "scorecard.campaign.create", campaign.Name);
        await db.SaveChangesAsync(ct);
        await RecordProgressAsync(db, now, ct);
    }

    public static async Task<bool> DeleteAsync(PortalDbContext db, string name, AuditActor actor, CancellationToken ct)
    {
        var campaign = await db.Campaigns.FirstOrDefaultAsync(c => c.Name == name, ct);
        if (campaign is null)
        {
            return false;
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.CampaignSnapshots.Where(s => s.CampaignId == campaign.Id).ExecuteDeleteAsync(ct);
        db.Campaigns.Remove(campaign);
        AuditLog.Record(db, actor, "scorecard.campaign.delete", name);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return true;
    }

    /// <summary>
    /// Adds a progress row for each (campaign, team) whose done/total changed since its last row; campaigns whose deadline
    /// passed more than 30 days ago are left as they ended. Called after each evaluation.
    /// </summary>
    public static async Task<int> RecordProgressAsync(PortalDbContext db, DateTimeOffset now, CancellationToken ct)
    {
        var since = DateOnly.FromDateTime(now.UtcDateTime).AddDays(-30);
        var campaigns = await db.Campaigns.AsNoTracking().Where(c => c.Deadline >= since).ToListAsync(ct);
        var added = 0;
        foreach (var campaign in campaigns)
        {
            var progress = await CampaignQueries.ProgressAsync(db, campaign, ct);
            if (progress is null)
            {
                continue;
            }
            var last = (await db.CampaignSnapshots.AsNoTracking().Where(s => s.CampaignId == campaign.Id).OrderBy(s => s.At).ThenBy(s => s.Id).ToListAsync(ct))
                .GroupBy(s => s.Team).ToDictionary(g => g.Key, g => g.Last());
            foreach (var team in progress)
            {
                if (last.TryGetValue(team.Team, out var before) && before.Done == team.Done && before.Total == team.Total)
                {
                    continue;
                }
                db.CampaignSnapshots.Add(new CampaignSnapshot { CampaignId = campaign.Id, Team = team.Team, At = now, Done = team.Done, Total = team.Total });
                added++;
            }
        }
        await db.SaveChangesAsync(ct);
        return added;
    }

    /// <summary>
    /// Sends today's reminders (see <see cref="CampaignProgress.ReminderDue"/>): one notification per team still behind,
    /// saying what is left and by when. Returns how many were sent.
    /// </summary>
    public static async Task<int> RemindAsync(PortalDbContext db, WebhookNotifier notifier, DateTimeOffset now, CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var sent = 0;
        foreach (var campaign in await db.Campaigns.Where(c => c.Deadline >= today).OrderBy(c => c.Deadline).ToListAsync(ct))
        {
            if (!CampaignProgress.ReminderDue(campaign.Deadline, today, campaign.RemindedOn) || await CampaignQueries.ProgressAsync(db, campaign, ct) is not { } progress)
            {
                continue;
            }
            var target = CampaignQueries.TargetText(campaign);
            var daysLeft = campaign.Deadline.DayNumber - today.DayNumber;
            foreach (var team in progress.Where(t => !t.Complete && t.Team != CampaignProgress.NoOwner))
            {
                var left = team.Total - team.Done;
                var names = string.Join(", ", team.Remaining.Take(10).Select(r => EntityRef.Parse(r).Name)) + (left > 10 ? $" and {left - 10} more" : "");
                await notifier.SendAsync(new Notification("scorecard.campaign.reminder",
                    $"{campaign.Title}: {left} to go for {EntityRef.Parse(team.Team).Name} by {campaign.Deadline:yyyy-MM-dd}",
                    $"{team.Done} of {team.Total} entities {target}; {(daysLeft == 0 ? "due today" : $"{daysLeft} days left")}. Left: {names}.",
                    $"/scorecards/campaigns/{campaign.Name}",
                    new Dictionary<string, string>
                    {
                        ["campaign"] = campaign.Name, ["team"] = team.Team, ["deadline"] = campaign.Deadline.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                        ["done"] = team.Done.ToString(CultureInfo.InvariantCulture), ["total"] = team.Total.ToString(CultureInfo.InvariantCulture),
                    }), ct);
                sent++;
            }
            campaign.RemindedOn = today;
            await db.SaveChangesAsync(ct);
        }
        return sent;
    }
}
