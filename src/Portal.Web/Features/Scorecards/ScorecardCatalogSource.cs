using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Identity;

namespace Portal.Web.Features.Scorecards;

/// <summary>A catalog entity of kind Scorecard that defines no scorecard, and why.</summary>
public sealed record ScorecardSourceProblem(string EntityRef, string? Location, string Message);

/// <summary>What one sync with the catalog did: scorecards created, updated and removed (by name), and the entities refused.</summary>
public sealed record ScorecardSourceSync(IReadOnlyList<string> Created, IReadOnlyList<string> Updated, IReadOnlyList<string> Removed,
    IReadOnlyList<ScorecardSourceProblem> Refused);

/// <summary>
/// Scorecards read from the catalog: a location's file may hold <c>apiVersion: portal/v1</c>, <c>kind: Scorecard</c>
/// documents (the YAML the editor accepts), which the catalog stores as custom entities. Each catalog change they are
/// copied into the scorecards, read through <see cref="CatalogReads.DefinitionsAsync"/> (the catalog knows nothing of
/// scorecards). Only locations an admin registered may define one: a member can get a location of their own (a
/// template's <c>catalog:register</c>) and put any kind in it, and a scorecard decides what the organisation is judged by.
/// </summary>
public static class ScorecardCatalogSource
{
    public const string ActorPrefix = "catalog ";

    /// <summary>
    /// Where each git-defined scorecard lives, by its catalog entity ref (<see cref="Scorecard.Source"/>): the location
    /// (<c>git:https://…</c>), else the file, else the ref itself; what the pages show instead of offering to edit it.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, string>> LocationsAsync(PortalDbContext db, CancellationToken ct) =>
        (await CatalogReads.DefinitionsAsync(db, ScorecardYaml.Kind, ct)).ToDictionary(d => d.Ref, d => d.Location ?? d.Source ?? d.Ref, StringComparer.Ordinal);

    /// <summary>The reason the portal does not change a scorecard read from <paramref name="location"/>.</summary>
    public static string DefinedInGit(string location) => $"Defined in git: {location}. Change it there; the location's next refresh updates it here.";

    /// <param name="dryRun">Work out what a sync would do and refuse, writing nothing (the API's list of problems).</param>
    public static async Task<ScorecardSourceSync> SyncAsync(PortalDbContext db, DateTimeOffset now, CancellationToken ct, bool dryRun = false)
    {
        if (dryRun)
        {
            return await SyncCoreAsync(db, now, dryRun, ct);
        }
        // Two syncs at once (a catalog change's evaluation and a requested one) would both create the same scorecard and one
        // would fail on the unique name: a session lock on one connection makes the second read what the first wrote.
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({LockKey})", ct);
            try
            {
                return await SyncCoreAsync(db, now, dryRun, ct);
            }
            finally
            {
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({LockKey})", CancellationToken.None);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private const long LockKey = 0x5C0_4EC4_5C5;

    private static async Task<ScorecardSourceSync> SyncCoreAsync(PortalDbContext db, DateTimeOffset now, bool dryRun, CancellationToken ct)
    {
        var definitions = await CatalogReads.DefinitionsAsync(db, ScorecardYaml.Kind, ct);
        var rows = await db.Scorecards.ToListAsync(ct);
        var byName = rows.ToDictionary(r => r.Name, StringComparer.Ordinal);
        var kept = new HashSet<string>(StringComparer.Ordinal);
        var (created, updated, removed, refused) = (new List<string>(), new List<string>(), new List<string>(), new List<ScorecardSourceProblem>());
        foreach (var entity in definitions)
        {
            if (!entity.FromAdminLocation)
            {
                refused.Add(new ScorecardSourceProblem(entity.Ref, entity.Location, entity.Location is null
                    ? "Scorecards are read only from locations an admin registered; this entity came through the API, so it defines no scorecard."
                    : $"Scorecards are read only from locations an admin registered; {entity.Location} was not, so this entity defines no scorecard."));
                continue;
            }
            var parsed = ScorecardYaml.ParseOne(entity.Document.RootElement.GetRawText());
            if (parsed.Definition is not { } card)
            {
                // A broken file keeps the last good scorecard, as the catalog keeps an entity's last good descriptor.
                if (rows.FirstOrDefault(r => r.Source == entity.Ref) is { } last)
                {
                    kept.Add(last.Name);
                }
                refused.Add(new ScorecardSourceProblem(entity.Ref, entity.Location, string.Join(" ", parsed.Errors)));
                continue;
            }
            var actor = ActorPrefix + (entity.Location ?? entity.Ref);
            if (byName.TryGetValue(card.Name, out var row) && row.Source != entity.Ref)
            {
                refused.Add(new ScorecardSourceProblem(entity.Ref, entity.Location, row.Source is null
                    ? $"A scorecard named {card.Name} was made in the portal; the catalog does not replace it (delete it first, or rename this one)."
                    : $"The scorecard {card.Name} is already read from {row.Source}."));
                continue;
            }
            kept.Add(card.Name);
            var text = ScorecardYaml.ToYaml(card);
            if (dryRun)
            {
                if (row is null)
                {
                    created.Add(card.Name);
                }
                else if (row.Yaml != text)
                {
                    updated.Add(card.Name);
                }
                continue;
            }
            if (row is null)
            {
                row = new Scorecard
                {
                    Name = card.Name, Title = card.Title, Owner = card.Owner, Enabled = card.Enabled, Yaml = text, CreatedAt = now, UpdatedAt = now,
                    UpdatedBy = actor, Source = entity.Ref,
                };
                db.Scorecards.Add(row);
                byName[card.Name] = row;
                created.Add(card.Name);
                AuditLog.Record(db, AuditActor.System, "scorecard.created", card.Name, after: new { source = entity.Ref, location = entity.Location });
            }
            else if (row.Yaml != text)
            {
                (row.Title, row.Owner, row.Enabled, row.Yaml, row.UpdatedAt, row.UpdatedBy) = (card.Title, card.Owner, card.Enabled, text, now, actor);
                updated.Add(card.Name);
                AuditLog.Record(db, AuditActor.System, "scorecard.updated", card.Name, after: new { source = entity.Ref, location = entity.Location });
            }
        }
        if (dryRun)
        {
            return new ScorecardSourceSync(created, updated, [.. rows.Where(r => r.Source is not null && !kept.Contains(r.Name)).Select(r => r.Name)], refused);
        }
        await db.SaveChangesAsync(ct);
        // Gone from git (or its location deleted, or no longer an admin's): the scorecard goes with it.
        foreach (var gone in rows.Where(r => r.Source is not null && !kept.Contains(r.Name)))
        {
            await ScorecardCommands.DeleteAsync(db, gone, AuditActor.System, ct);
            removed.Add(gone.Name);
        }
        return new ScorecardSourceSync(created, updated, removed, refused);
    }
}
