using System.Text;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;
using Portal.Web.Infrastructure.Csv;

namespace Portal.Web.Features.Scorecards;

/// <summary>The scorecards' reads for the pages and the API.</summary>
public static class ScorecardQueries
{
    /// <summary>A stored result's rules explained against its scorecard's current definition (none when the YAML no longer parses).</summary>
    public static IReadOnlyList<RuleResult> Rules(ScorecardDefinition? card, ScorecardResult result) =>
        card is null ? [] : StoredFindings.Explain(card, result.RulesKey, result.Outcomes, result.RuleValues, result.Owner);

    public static async Task<IReadOnlyList<ScorecardSummary>> ListAsync(PortalDbContext db, CancellationToken ct)
    {
        var cards = await db.Scorecards.AsNoTracking().OrderBy(s => s.Title).ToListAsync(ct);
        var ids = cards.Select(c => c.Id).ToList();
        var latest = await db.ScorecardRuns.AsNoTracking().Where(r => ids.Contains(r.ScorecardId))
            .GroupBy(r => r.ScorecardId).Select(g => g.OrderByDescending(r => r.Id).First()).ToListAsync(ct);
        return cards.Select(c => Summary(c, latest.FirstOrDefault(r => r.ScorecardId == c.Id))).ToList();
    }

    private static ScorecardSummary Summary(Scorecard card, ScorecardRun? run)
    {
        var definition = ScorecardYaml.ParseOne(card.Yaml).Definition;
        var levels = definition?.Levels ?? [];
        IReadOnlyList<LevelCount> distribution = run is null ? []
            : [new LevelCount(null, run.LevelCounts.ElementAtOrDefault(0)), .. levels.Select((l, i) => new LevelCount(l, run.LevelCounts.ElementAtOrDefault(i + 1)))];
        return new ScorecardSummary(card.Id, card.Name, card.Title, definition?.Description, card.Owner, card.Enabled, card.BuiltIn, levels,
            definition?.Rules.Count ?? 0, run?.At, run?.Entities ?? 0, distribution, Compliance(run), Coverage(run), card.Source);
    }

    private static double? Compliance(ScorecardRun? run) => run is null || run.TotalChecks == 0 ? null : (double)run.PassedChecks / run.TotalChecks;

    private static double? Coverage(ScorecardRun? run) => run is null || run.TelemetryChecked == 0 ? null : (double)run.TelemetryPassing / run.TelemetryChecked;

    public static async Task<ScorecardDetail?> DetailAsync(PortalDbContext db, string name, CancellationToken ct)
    {
        var card = await db.Scorecards.AsNoTracking().FirstOrDefaultAsync(s => s.Name == name, ct);
        if (card is null)
        {
            return null;
        }
        var run = await db.ScorecardRuns.AsNoTracking().Where(r => r.ScorecardId == card.Id).OrderByDescending(r => r.Id).FirstOrDefaultAsync(ct);
        var definition = ScorecardYaml.ParseOne(card.Yaml).Definition;
        return new ScorecardDetail(Summary(card, run), card.Yaml,
            definition?.Rules.Select(r => new ScorecardRuleView(r.Id, r.Title, r.Level, r.Check, r.Parameters.Values, r.HowToFix)).ToList() ?? []);
    }

    /// <summary>Every scorecard's verdict on one entity, with the history of its level (newest first, at most 50 changes each).</summary>
    public static async Task<IReadOnlyList<EntityScorecard>> ForEntityAsync(PortalDbContext db, string entityRef, CancellationToken ct)
    {
        var rows = await (from r in db.ScorecardResults.AsNoTracking()
                          join s in db.Scorecards.AsNoTracking() on r.ScorecardId equals s.Id
                          where r.EntityRef == entityRef && s.Enabled
                          orderby s.Title
                          select new { r, s.Name, s.Title, s.Yaml }).ToListAsync(ct);
        var ids = rows.Select(r => r.r.ScorecardId).ToList();
        var history = (await db.ScorecardHistory.AsNoTracking().Where(h => h.EntityRef == entityRef && ids.Contains(h.ScorecardId))
            .OrderByDescending(h => h.At).ThenByDescending(h => h.Id).Take(50 * Math.Max(1, ids.Count)).ToListAsync(ct)).ToLookup(h => h.ScorecardId);
        return rows.Select(x =>
        {
            var definition = ScorecardYaml.ParseOne(x.Yaml).Definition;
            return new EntityScorecard(x.Name, x.Title, definition?.Levels ?? [], x.r.Level, x.r.LevelIndex, x.r.Passed, x.r.Total, Rules(definition, x.r),
                x.r.ChangedAt, history[x.r.ScorecardId].Take(50).Select(h => new LevelChange(h.At, h.Level, h.Passed, h.Total)).ToList());
        }).ToList();
    }

    /// <summary>Stored results, filtered by scorecard name, owner team ref, level ("none" for no level) and kind; ordered by scorecard and ref.</summary>
    public static async Task<IReadOnlyList<ScorecardResultRow>> ResultsAsync(PortalDbContext db, string? scorecard, string? owner, string? level, string? kind,
        int limit, CancellationToken ct)
    {
        var query = from r in db.ScorecardResults.AsNoTracking()
                    join s in db.Scorecards.AsNoTracking() on r.ScorecardId equals s.Id
                    where s.Enabled
                    select new { r, s.Name };
        if (scorecard is not null)
        {
            query = query.Where(x => x.Name == scorecard);
        }
        if (owner is not null)
        {
            query = query.Where(x => x.r.Owner == owner);
        }
        if (level is not null)
        {
            query = string.Equals(level, "none", StringComparison.OrdinalIgnoreCase) ? query.Where(x => x.r.Level == null)
                : query.Where(x => x.r.Level != null && EF.Functions.ILike(x.r.Level, Literal(level)));
        }
        if (kind is not null)
        {
            query = query.Where(x => EF.Functions.ILike(x.r.Kind, Literal(kind)));
        }
        return await query.OrderBy(x => x.Name).ThenBy(x => x.r.EntityRef).Take(limit)
            .Select(x => new ScorecardResultRow(x.Name, x.r.EntityRef, x.r.Kind, x.r.Owner, x.r.Level, x.r.Passed, x.r.Failed, x.r.NoData, x.r.Total, x.r.ChangedAt))
            .ToListAsync(ct);
    }

    /// <summary>A LIKE pattern that matches the text only (case-insensitively with ILIKE).</summary>
    private static string Literal(string text) => text.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal)
        .Replace("_", @"\_", StringComparison.Ordinal);

    /// <summary>The results as CSV for compliance evidence (cells defused for spreadsheets).</summary>
    public static string ToCsv(IEnumerable<ScorecardResultRow> rows)
    {
        var csv = new StringBuilder("scorecard,entity,kind,owner,level,passed,failed,no_data,total,changed_at\r\n");
        foreach (var r in rows)
        {
            csv.Append(string.Join(',', CsvCell.Text(r.Scorecard), CsvCell.Text(r.EntityRef), CsvCell.Text(r.Kind), CsvCell.Text(r.Owner), CsvCell.Text(r.Level ?? "none"),
                r.Passed, r.Failed, r.NoData, r.Total, CsvCell.Text(r.ChangedAt.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture)))).Append("\r\n");
        }
        return csv.ToString();
    }

    /// <summary>
    /// A team's view: its entities' levels per scorecard, and the rules that block them from their next level, most
    /// components blocked first (a lower level's rule first on a tie: it is the nearer step).
    /// </summary>
    public static async Task<TeamScorecards> TeamAsync(PortalDbContext db, string teamRef, CancellationToken ct)
    {
        var rows = await (from r in db.ScorecardResults.AsNoTracking()
                          join s in db.Scorecards.AsNoTracking() on r.ScorecardId equals s.Id
                          where r.Owner == teamRef && s.Enabled
                          select new { r, s.Title, s.Yaml }).ToListAsync(ct);
        var cards = rows.Select(r => r.Title).Distinct().Order(StringComparer.Ordinal).ToList();
        var components = rows.GroupBy(r => r.r.EntityRef).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new TeamComponentRow(g.Key, g.ToDictionary(r => r.Title, r => (string?)r.r.Level))).ToList();
        var blockers = new List<(string Card, RuleResult Rule, int LevelIndex, string Ref)>();
        var definitions = new Dictionary<string, ScorecardDefinition?>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (!definitions.TryGetValue(row.Title, out var definition))
            {
                definitions[row.Title] = definition = ScorecardYaml.ParseOne(row.Yaml).Definition;
            }
            var levels = definition?.Levels ?? [];
            if (row.r.LevelIndex + 1 >= levels.Count)
            {
                continue;
            }
            var next = levels[row.r.LevelIndex + 1];
            blockers.AddRange(Rules(definition, row.r).Where(r => r.Outcome != RuleOutcome.Pass && string.Equals(r.Level, next, StringComparison.OrdinalIgnoreCase))
                .Select(r => (row.Title, r, row.r.LevelIndex + 1, row.r.EntityRef)));
        }
        var steps = blockers.GroupBy(b => (b.Card, b.Rule.Id))
            .Select(g => new NextStep(g.Key.Card, g.Key.Id, g.First().Rule.Title, g.First().Rule.Level, g.First().Rule.HowToFix, g.Count(),
                [.. g.Select(b => b.Ref).Order(StringComparer.Ordinal)]))
            .OrderByDescending(s => s.Components).ThenBy(s => blockers.First(b => b.Card == s.Scorecard && b.Rule.Id == s.RuleId).LevelIndex)
            .ThenBy(s => s.Scorecard, StringComparer.Ordinal).ThenBy(s => s.RuleId, StringComparer.Ordinal).ToList();
        return new TeamScorecards(teamRef, cards, components, steps);
    }

    /// <summary>The owners (team refs) that have results, for the team picker.</summary>
    public static async Task<IReadOnlyList<string>> TeamsAsync(PortalDbContext db, CancellationToken ct) =>
        await db.ScorecardResults.AsNoTracking().Where(r => r.Owner != null).Select(r => r.Owner!).Distinct().OrderBy(o => o).ToListAsync(ct);

    /// <summary>The organisation view: every enabled scorecard's latest totals and its trend (the last <paramref name="points"/> runs).</summary>
    public static async Task<OrganisationScorecards> OrganisationAsync(PortalDbContext db, int points, CancellationToken ct)
    {
        var cards = (await ListAsync(db, ct)).Where(c => c.Enabled).ToList();
        var trends = new Dictionary<string, IReadOnlyList<TrendPoint>>();
        foreach (var card in cards)
        {
            var runs = await db.ScorecardRuns.AsNoTracking().Where(r => r.ScorecardId == card.Id).OrderByDescending(r => r.Id).Take(points).ToListAsync(ct);
            trends[card.Name] = runs.AsEnumerable().Reverse().Select(r => new TrendPoint(r.At, r.Entities, r.LevelCounts, Compliance(r), Coverage(r))).ToList();
        }
        return new OrganisationScorecards(cards, trends);
    }
}
