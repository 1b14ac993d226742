using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;
using Portal.Web.Features.Identity;

namespace Portal.Web.Features.Scorecards;

/// <summary>What an import did with one document: created, updated, unchanged, or error with its problems.</summary>
public sealed record ScorecardImportResult(int Index, string? Name, string Status, IReadOnlyList<string> Errors);

/// <summary>Writes to the scorecards: import (create or update by name), enable/disable, delete, and the built-ins' first seeding.</summary>
public static class ScorecardCommands
{
    /// <summary>
    /// Imports every document of a YAML file; nothing is written when any document has a problem (all or nothing, so a
    /// file never half-lands). <paramref name="dryRun"/> validates only.
    /// </summary>
    public static async Task<IReadOnlyList<ScorecardImportResult>> ImportAsync(PortalDbContext db, string yaml, AuditActor actor, DateTimeOffset now,
        bool dryRun, CancellationToken ct)
    {
        var parsed = ScorecardYaml.Parse(yaml);
        var names = parsed.Where(p => p.Definition is not null).GroupBy(p => p.Definition!.Name).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet();
        if (parsed.Any(p => p.Definition is null) || names.Count > 0)
        {
            return parsed.Select(p => p.Definition is null ? new ScorecardImportResult(p.Index, null, "error", p.Errors)
                : names.Contains(p.Definition.Name) ? new ScorecardImportResult(p.Index, p.Definition.Name, "error", [$"The name {p.Definition.Name} appears more than once in the file."])
                : new ScorecardImportResult(p.Index, p.Definition.Name, "not-imported", ["Another document of the file has problems; nothing was imported."])).ToList();
        }
        var results = new List<ScorecardImportResult>();
        var wanted = parsed.Select(p => p.Definition!.Name).ToList();
        var existing = await db.Scorecards.Where(s => wanted.Contains(s.Name)).ToDictionaryAsync(s => s.Name, ct);
        if (existing.Values.Any(s => s.Source is not null))
        {
            // Git is the truth for those: a change here would be undone at the next catalog change.
            return parsed.Select(p => existing.GetValueOrDefault(p.Definition!.Name) is { Source: { } source }
                ? new ScorecardImportResult(p.Index, p.Definition.Name, "error", [FromCatalog(p.Definition.Name, source)])
                : new ScorecardImportResult(p.Index, p.Definition.Name, "not-imported", ["Another document of the file has problems; nothing was imported."])).ToList();
        }
        foreach (var p in parsed)
        {
            var card = p.Definition!;
            var text = ScorecardYaml.ToYaml(card);
            if (existing.TryGetValue(card.Name, out var row))
            {
                if (row.Yaml == text)
                {
                    results.Add(new ScorecardImportResult(p.Index, card.Name, "unchanged", []));
                    continue;
                }
                (row.Title, row.Owner, row.Enabled, row.Yaml, row.UpdatedAt, row.UpdatedBy) = (card.Title, card.Owner, card.Enabled, text, now, actor.Name);
                results.Add(new ScorecardImportResult(p.Index, card.Name, "updated", []));
            }
            else
            {
                db.Scorecards.Add(New(card, text, builtIn: false, now, actor.Name));
                results.Add(new ScorecardImportResult(p.Index, card.Name, "created", []));
            }
            if (!dryRun)
            {
                AuditLog.Record(db, actor, $"scorecard.{results[^1].Status}", card.Name);
            }
        }
        if (!dryRun)
        {
            await db.SaveChangesAsync(ct);
        }
        return results;
    }

    /// <summary>Why a scorecard read from the catalog is not changed in the portal.</summary>
    public static string FromCatalog(string name, string source) =>
        $"The scorecard {name} is read from the catalog entity {source}; change it in git, and its location's next refresh updates it.";

    /// <summary>Removes a scorecard with its results, history, runs and campaigns, audited, in one transaction.</summary>
    public static async Task DeleteAsync(PortalDbContext db, Scorecard card, AuditActor actor, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.ScorecardResults.Where(r => r.ScorecardId == card.Id).ExecuteDeleteAsync(ct);
        await db.ScorecardHistory.Where(r => r.ScorecardId == card.Id).ExecuteDeleteAsync(ct);
        await db.ScorecardRuns.Where(r => r.ScorecardId == card.Id).ExecuteDeleteAsync(ct);
        var campaigns = db.Campaigns.Where(c => c.ScorecardId == card.Id).Select(c => c.Id);
        await db.CampaignSnapshots.Where(s => campaigns.Contains(s.CampaignId)).ExecuteDeleteAsync(ct);
        await db.Campaigns.Where(c => c.ScorecardId == card.Id).ExecuteDeleteAsync(ct);
        await db.Scorecards.Where(s => s.Id == card.Id).ExecuteDeleteAsync(ct);
        AuditLog.Record(db, actor, "scorecard.delete", card.Name, after: card.Source is null ? null : new { source = card.Source });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
    }

    /// <summary>Seeds the built-in scorecards that are missing (never overwrites an admin's edits or a disabled one).</summary>
    public static async Task<int> EnsureBuiltInsAsync(PortalDbContext db, DateTimeOffset now, CancellationToken ct)
    {
        var present = await db.Scorecards.Select(s => s.Name).ToListAsync(ct);
        var added = 0;
        foreach (var (name, yaml) in BuiltInScorecards.All.Where(b => !present.Contains(b.Name)))
        {
            var card = ScorecardYaml.ParseOne(yaml).Definition ?? throw new InvalidOperationException($"The built-in scorecard {name} does not parse.");
            db.Scorecards.Add(New(card, ScorecardYaml.ToYaml(card), builtIn: true, now, "system"));
            added++;
        }
        if (added > 0)
        {
            await db.SaveChangesAsync(ct);
        }
        return added;
    }

    private static Scorecard New(ScorecardDefinition card, string yaml, bool builtIn, DateTimeOffset now, string by) => new()
    {
        Name = card.Name, Title = card.Title, Owner = card.Owner, Enabled = card.Enabled, BuiltIn = builtIn, Yaml = yaml, CreatedAt = now, UpdatedAt = now, UpdatedBy = by,
    };
}
