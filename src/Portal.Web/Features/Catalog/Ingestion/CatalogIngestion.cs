using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;
using Portal.Web.Features.Identity;
using Portal.Web.Infrastructure.Hosting;

namespace Portal.Web.Features.Catalog.Ingestion;

/// <summary>
/// Turns a location's files into catalog rows: validate, upsert (unchanged descriptors are not
/// rewritten), flag what vanished as orphans, drop orphans after the grace period, and replace the
/// relations the location's entities generate. One transaction per refresh.
/// </summary>
public static class CatalogIngestion
{
    public static async Task<LocationPreview> PreviewAsync(LocationReader reader, LocationSpec spec, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var read = await reader.ReadAsync(spec, cancellationToken);
        var problems = new List<ReadProblem>(read.Problems);
        var entities = Validate(read.Entities, problems);
        return new LocationPreview(entities, problems, read.Failed, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>
    /// What a location made of one file's text would import for <paramref name="registrant"/>, and why the rest would be
    /// refused: the checks of a refresh, without writing anything (a template's dry run of <c>catalog:register</c>).
    /// </summary>
    public static async Task<(IReadOnlyList<ValidatedEntity> Accepted, IReadOnlyList<ReadProblem> Problems)> PreviewTextAsync(PortalDbContext db,
        LocationRegistrant registrant, string source, string text, CancellationToken cancellationToken)
    {
        var problems = new List<ReadProblem>();
        var items = new List<ReadEntity>();
        foreach (var document in DescriptorYaml.Parse(text))
        {
            if (document.Entity is null)
            {
                problems.Add(new ReadProblem(source, document.Line, null, document.Error ?? "Unreadable document."));
            }
            else
            {
                items.Add(new ReadEntity(document.Entity, source, document.Line));
            }
        }
        var entities = Validate(items, problems);
        var (accepted, refused) = await AuthoriseAsync(db, registrant, locationId: null, entities, cancellationToken);
        problems.AddRange(refused);
        return (accepted, problems);
    }

    /// <summary>The entities that pass validation, first of each ref; a problem for each of the others.</summary>
    private static List<ValidatedEntity> Validate(IEnumerable<ReadEntity> items, List<ReadProblem> problems)
    {
        var entities = new List<ValidatedEntity>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var errors = EntityValidator.Validate(item.Entity);
            var name = RefOrName(item.Entity);
            if (errors.Count > 0)
            {
                problems.Add(new ReadProblem(item.Source, item.Line, name, string.Join(" ", errors)));
                continue;
            }
            if (!seen.Add(name!))
            {
                problems.Add(new ReadProblem(item.Source, item.Line, name, "Duplicate entity: the same kind, namespace and name appears earlier in this location; the first one is kept."));
                continue;
            }
            entities.Add(new ValidatedEntity(name!, item.Entity, item.Source, item.Line));
        }
        return entities;
    }

    /// <param name="alreadyRead">A preview just made of the same location, so it is not read twice.</param>
    /// <returns>The entities refused because the location's registrant may not write them (see <see cref="EntityAuthority"/>).</returns>
    public static async Task<IReadOnlyList<ReadProblem>> RefreshAsync(PortalDbContext db, LocationReader reader, Guid locationId, CatalogOptions options,
        TimeProvider time, CancellationToken cancellationToken, LocationPreview? alreadyRead = null)
    {
        var location = await db.CatalogLocations.FirstOrDefaultAsync(l => l.Id == locationId, cancellationToken);
        if (location is null)
        {
            return []; // deleted meanwhile: nothing to do
        }
        var watch = Stopwatch.StartNew();
        var preview = alreadyRead ?? await PreviewAsync(reader, new LocationSpec(location.Type, location.Target, location.Branch, location.Path), cancellationToken);
        return await RefreshAsync(db, location, preview, alreadyRead is null ? watch : null, isNew: false, onInsert: null, options, time, cancellationToken);
    }

    /// <summary>
    /// Registers <paramref name="location"/> (not yet stored) and imports <paramref name="preview"/> in one transaction:
    /// a crash in between leaves nothing behind, so a retry simply registers it again. A row that an earlier version
    /// left half-registered (stored, never refreshed) is replaced. <paramref name="onInsert"/> adds the audit record.
    /// Throws a unique violation when the same location is being registered at the same moment.
    /// </summary>
    public static Task<IReadOnlyList<ReadProblem>> RegisterAsync(PortalDbContext db, CatalogLocation location, LocationPreview preview, Action onInsert,
        CatalogOptions options, TimeProvider time, CancellationToken cancellationToken) =>
        RefreshAsync(db, location, preview, null, isNew: true, onInsert, options, time, cancellationToken);

    private static async Task<IReadOnlyList<ReadProblem>> RefreshAsync(PortalDbContext db, CatalogLocation location, LocationPreview preview, Stopwatch? readWatch,
        bool isNew, Action? onInsert, CatalogOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        var watch = readWatch ?? Stopwatch.StartNew();
        var now = time.GetUtcNow();
        var problems = preview.Problems.ToList();
        var refused = new List<ReadProblem>();

        var changedEntities = 0;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // The VACUUM after a bulk import can only mark pages all-visible (which index-only counts need) once
        // the commit record is on disk: with asynchronous commit it skips every page the import just wrote.
        await db.Database.ExecuteSqlRawAsync("SET LOCAL synchronous_commit = on", cancellationToken);
        if (isNew)
        {
            // Only a crash of a version that stored the row before its first refresh leaves one that never refreshed.
            await db.CatalogLocations.Where(l => l.Type == location.Type && l.Target == location.Target && l.Branch == location.Branch
                && l.Path == location.Path && l.LastRefreshAt == null).ExecuteDeleteAsync(cancellationToken);
            db.CatalogLocations.Add(location);
            onInsert?.Invoke();
            await db.SaveChangesAsync(cancellationToken);
        }
        // One refresh per location at a time, across replicas; other locations refresh in parallel.
        await db.Database.TakeTransactionLockAsync(location.Id.ToString(), cancellationToken);
        if (!preview.Failed)
        {
            var (accepted, denied) = await AuthoriseAsync(db, LocationRegistrant.Of(location), location.Id, preview.Entities, cancellationToken);
            refused.AddRange(denied);
            problems.AddRange(denied);
            var (upsertProblems, changed) = await UpsertAsync(db, location, accepted, now, cancellationToken);
            problems.AddRange(upsertProblems);
            changedEntities = changed;
            // An entity whose descriptor is broken right now keeps its last good version (as in Backstage):
            // only entities that are really gone, or refused, become orphans.
            var present = accepted.Select(e => e.EntityRef).ToHashSet(StringComparer.Ordinal);
            present.UnionWith(preview.Problems.Where(p => p.EntityRef is not null).Select(p => p.EntityRef!));
            await FlagOrphansAsync(db, location.Id, present, now,
                TimeSpan.FromHours(options.OrphanGraceHours), cancellationToken);
            problems.AddRange(await DanglingReferencesAsync(db, location.Id, accepted, cancellationToken));
            problems.AddRange(await ConflictsReportedByOthersAsync(db, location, cancellationToken));
        }
        RecordNewRefusals(db, location, refused);
        location.LastRefreshAt = now;
        // A preview made at registration was read before this method started.
        location.LastRefreshMs = (int)(watch.Elapsed + (readWatch is null ? preview.ReadTime : TimeSpan.Zero)).TotalMilliseconds;
        location.EntityCount = await db.CatalogEntities.CountAsync(e => e.LocationId == location.Id && e.OrphanedAt == null, cancellationToken);
        location.Status = preview.Failed ? "failed" : problems.Count > 0 ? "warnings" : "ok";
        location.Errors = JsonSerializer.SerializeToDocument(problems.Select(Storable).Select(p => new { source = p.Source, line = p.Line, entityRef = p.EntityRef, message = p.Message }));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (changedEntities >= BulkChangeThreshold)
        {
            // After a bulk import, fresh statistics and a set visibility map let the very next
            // queries plan well and count from the index, instead of waiting for autovacuum.
            await db.Database.ExecuteSqlRawAsync("VACUUM (ANALYZE) catalog_entities, catalog_relations", cancellationToken);
        }
        return refused;
    }

    /// <summary>
    /// Splits a location's entities into those its registrant may write and per-entity problems for the rest
    /// (see <see cref="EntityAuthority.LocationProblem"/>). Admin-registered locations take everything, unread.
    /// </summary>
    private static async Task<(IReadOnlyList<ValidatedEntity> Accepted, List<ReadProblem> Refused)> AuthoriseAsync(PortalDbContext db,
        LocationRegistrant registrant, Guid? locationId, IReadOnlyList<ValidatedEntity> entities, CancellationToken cancellationToken)
    {
        if (registrant.IsAdmin && registrant.TrustedForIdentity)
        {
            return (entities, []);
        }
        // Who owns the entities that other sources hold now: naming one again must not take it over.
        var refs = entities.Select(e => e.EntityRef).ToList();
        var held = await db.CatalogEntities.AsNoTracking().Where(e => refs.Contains(e.EntityRef) && (locationId == null || e.LocationId != locationId))
            .Select(e => new { e.EntityRef, e.Owner }).ToDictionaryAsync(e => e.EntityRef, e => e.Owner, StringComparer.Ordinal, cancellationToken);
        var accepted = new List<ValidatedEntity>();
        var refused = new List<ReadProblem>();
        foreach (var item in entities)
        {
            var parsed = EntityRef.Parse(item.EntityRef);
            var problem = EntityAuthority.LocationProblem(registrant, CatalogEntityMapper.CanonicalKind(parsed.Kind), OwnerOf(item.Entity, parsed.Namespace), held.GetValueOrDefault(item.EntityRef));
            if (problem is null)
            {
                accepted.Add(item);
            }
            else
            {
                refused.Add(new ReadProblem(item.Source, item.Line, item.EntityRef, problem));
            }
        }
        return (accepted, refused);
    }

    /// <summary>
    /// A refusal is a security event, so it goes to the audit log in the registrant's name; once, not at every refresh:
    /// the location's problem list already holds the ones found before.
    /// </summary>
    private static void RecordNewRefusals(PortalDbContext db, CatalogLocation location, List<ReadProblem> refused)
    {
        if (refused.Count == 0)
        {
            return;
        }
        var known = location.Errors?.RootElement is { ValueKind: JsonValueKind.Array } list
            ? list.EnumerateArray().Select(p => (p.TryGetProperty("entityRef", out var r) ? r.ToString() : "") + "\n" + (p.TryGetProperty("message", out var m) ? m.ToString() : ""))
                .ToHashSet(StringComparer.Ordinal)
            : [];
        var actor = new AuditActor("user", location.CreatedBy, null);
        foreach (var problem in refused.Where(p => !known.Contains(p.EntityRef + "\n" + p.Message)))
        {
            AuditLog.Record(db, actor, "catalog.entity.import", problem.EntityRef, "denied",
                after: new { location = location.Key, taskId = location.RegisteredByTaskId, reason = problem.Message });
        }
    }

    /// <summary>The owner as a full lower-case ref; one that does not parse is named as written, which no team matches.</summary>
    private static string? OwnerOf(JsonObject entity, string ns)
    {
        var owner = (entity["spec"] as JsonObject)?["owner"] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
        if (string.IsNullOrWhiteSpace(owner))
        {
            return null;
        }
        try
        {
            return EntityRef.Parse(owner, "group", ns).ToString();
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            return owner;
        }
    }

    /// <summary>Dangling references reported per refresh; more are summed up in one line.</summary>
    public const int MaxDanglingReported = 200;

    /// <summary>
    /// References from this location's entities to entities the catalog does not have. The relation is kept (it
    /// resolves as soon as the target is registered, as in Backstage), but each one gets a warning on its entity,
    /// because a typo in an owner or an API name otherwise shows only as a link to a missing page.
    /// </summary>
    private static async Task<List<ReadProblem>> DanglingReferencesAsync(PortalDbContext db, Guid locationId, IReadOnlyList<ValidatedEntity> entities,
        CancellationToken cancellationToken)
    {
        // Forward relations only (origin = source): the generated inverse ones point back at the entity itself.
        var rows = await db.Database.SqlQuery<string>($"""
            SELECT r.source_ref || ' ' || r.type || ' ' || r.target_ref AS "Value"
            FROM catalog_relations r
            JOIN catalog_entities e ON e.entity_ref = r.origin_ref AND e.location_id = {locationId}
            WHERE r.source_ref = r.origin_ref
              AND NOT EXISTS (SELECT 1 FROM catalog_entities t WHERE t.entity_ref = r.target_ref)
            ORDER BY 1
            LIMIT {MaxDanglingReported + 1}
            """).ToListAsync(cancellationToken);
        var byRef = entities.ToDictionary(e => e.EntityRef, StringComparer.Ordinal);
        var problems = new List<ReadProblem>();
        foreach (var row in rows.Take(MaxDanglingReported))
        {
            var (source, type, target) = row.Split(' ') is [var s, var t, var r] ? (s, t, r) : throw new InvalidOperationException($"Unexpected row '{row}'.");
            var item = byRef.GetValueOrDefault(source);
            problems.Add(new ReadProblem(item?.Source ?? "", item?.Line, source,
                $"Dangling reference: {type} {target}, which is not in the catalog; the link leads nowhere until that entity is registered."));
        }
        if (rows.Count > MaxDanglingReported)
        {
            problems.Add(new ReadProblem("", null, null, $"More than {MaxDanglingReported} dangling references; only the first {MaxDanglingReported} are listed."));
        }
        return problems;
    }

    /// <summary>
    /// A conflict is found by the location that lost it, but both locations must show it. The losing location
    /// keeps its note until its own next refresh; the winner's own refresh rebuilds its list, so it takes the
    /// notes back from the losers' lists, which would otherwise make the conflict flicker on the winner.
    /// </summary>
    private static async Task<List<ReadProblem>> ConflictsReportedByOthersAsync(PortalDbContext db, CatalogLocation location, CancellationToken cancellationToken)
    {
        var needle = ManagedBy($"{location.Type}:{location.Target}");
        var rows = await db.Database.SqlQuery<string>($"""
            SELECT l.type || ':' || l.target || ' ' || (p->>'entityRef') AS "Value"
            FROM catalog_locations l, jsonb_array_elements(l.errors) p
            WHERE l.id <> {location.Id} AND jsonb_typeof(l.errors) = 'array'
              AND starts_with(p->>'message', 'Conflict: ') AND strpos(p->>'message', {needle}) > 0
            ORDER BY 1
            """).ToListAsync(cancellationToken);
        return rows.Select(row =>
        {
            var split = row.LastIndexOf(' ');
            var (other, entityRef) = (row[..split], row[(split + 1)..]);
            return new ReadProblem(location.Target, null, entityRef, ConflictKept(other, entityRef));
        }).ToList();
    }

    private static string ConflictLost(string entityRef, string owner) => $"Conflict: {entityRef}{ManagedBy(owner)} this copy was ignored.";

    /// <summary>The part of a lost conflict's message that names the winner, which the winner searches for.</summary>
    private static string ManagedBy(string owner) => $" is already managed by location {owner};";

    private static string ConflictKept(string other, string entityRef) => $"Conflict: location {other} also defines {entityRef}; this location keeps it.";

    /// <summary>Changed entities in one refresh from which a VACUUM (ANALYZE) follows.</summary>
    public const int BulkChangeThreshold = 10_000;

    private static async Task<(List<ReadProblem> Problems, int Changed)> UpsertAsync(PortalDbContext db, CatalogLocation location, IReadOnlyList<ValidatedEntity> entities,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var problems = new List<ReadProblem>();
        var changedRefs = new List<string>();
        var inserts = new List<(CatalogEntity Entity, string Json)>();
        foreach (var chunk in entities.Chunk(2_000))
        {
            var refs = chunk.Select(e => e.EntityRef).ToList();
            var existing = await db.CatalogEntities.Where(e => refs.Contains(e.EntityRef)).ToDictionaryAsync(e => e.EntityRef, cancellationToken);
            var owners = existing.Values.Where(e => e.LocationId is not null && e.LocationId != location.Id).Select(e => e.LocationId!.Value).Distinct().ToList();
            var liveOwners = await db.CatalogLocations.Where(l => owners.Contains(l.Id)).ToDictionaryAsync(l => l.Id, cancellationToken);

            foreach (var item in chunk)
            {
                var json = item.Entity.ToJsonString();
                var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)));
                if (existing.TryGetValue(item.EntityRef, out var row))
                {
                    // An orphan (gone from its location) is free to be claimed: entities move between repositories.
                    if (row.LocationId is { } other && other != location.Id && row.OrphanedAt is null && liveOwners.TryGetValue(other, out var owner))
                    {
                        // First come, first served; both locations show the conflict.
                        var message = ConflictLost(item.EntityRef, $"{owner.Type}:{owner.Target}");
                        problems.Add(new ReadProblem(item.Source, item.Line, item.EntityRef, message));
                        AppendProblem(owner, new ReadProblem(owner.Target, null, item.EntityRef, ConflictKept($"{location.Type}:{location.Target}", item.EntityRef)));
                        continue;
                    }
                    row.OrphanedAt = null;
                    row.LocationId = location.Id;
                    row.Source = item.Source;
                    row.TrustedForIdentity = location.TrustedForIdentity;
                    if (row.ContentHash == hash)
                    {
                        continue;
                    }
                    var fresh = CatalogEntityMapper.ToEntity(JsonDocument.Parse(json), now);
                    CatalogEntityMapper.CopyInto(row, fresh);
                    row.ContentHash = hash;
                    changedRefs.Add(item.EntityRef);
                }
                else
                {
                    var entity = CatalogEntityMapper.ToEntity(JsonDocument.Parse(json), now);
                    entity.LocationId = location.Id;
                    entity.Source = item.Source;
                    entity.TrustedForIdentity = location.TrustedForIdentity;
                    entity.ContentHash = hash;
                    inserts.Add((entity, json));
                    changedRefs.Add(item.EntityRef);
                }
            }
            await db.SaveChangesAsync(cancellationToken);
            await CopyEntitiesAsync(db, inserts, cancellationToken);
            inserts.Clear();
            db.ChangeTracker.Clear();
            db.Attach(location);
            foreach (var owner in liveOwners.Values)
            {
                db.Attach(owner);
            }
        }

        // Relations of changed entities are replaced; unchanged entities keep theirs. They are
        // the bulk of the rows (about 8 per entity), so they go in with binary COPY on the
        // refresh's own connection and transaction rather than through change tracking.
        var byRef = entities.ToDictionary(e => e.EntityRef, StringComparer.Ordinal);
        var connection = (Npgsql.NpgsqlConnection)db.Database.GetDbConnection();
        foreach (var chunk in changedRefs.Chunk(5_000))
        {
            var refs = chunk.ToList();
            await db.CatalogRelations.Where(r => refs.Contains(r.OriginRef)).ExecuteDeleteAsync(cancellationToken);
            await using var copy = await connection.BeginBinaryImportAsync(
                "COPY catalog_relations (source_ref, type, target_ref, origin_ref) FROM STDIN (FORMAT BINARY)", cancellationToken);
            foreach (var entityRef in chunk)
            {
                var item = byRef[entityRef];
                var errors = new List<string>();
                var ns = EntityRef.Parse(entityRef).Namespace;
                foreach (var edge in EntityRelations.Compute(entityRef, ns, item.Entity, errors))
                {
                    await copy.StartRowAsync(cancellationToken);
                    await copy.WriteAsync(edge.SourceRef, NpgsqlTypes.NpgsqlDbType.Varchar, cancellationToken);
                    await copy.WriteAsync(edge.Type, NpgsqlTypes.NpgsqlDbType.Varchar, cancellationToken);
                    await copy.WriteAsync(edge.TargetRef, NpgsqlTypes.NpgsqlDbType.Varchar, cancellationToken);
                    await copy.WriteAsync(entityRef, NpgsqlTypes.NpgsqlDbType.Varchar, cancellationToken);
                }
                problems.AddRange(errors.Select(e => new ReadProblem(item.Source, item.Line, entityRef, e)));
            }
            await copy.CompleteAsync(cancellationToken);
        }
        return (problems, changedRefs.Count);
    }

    /// <summary>New entities by binary COPY (the search vector is a generated column and fills itself).</summary>
    private static async Task CopyEntitiesAsync(PortalDbContext db, List<(CatalogEntity Entity, string Json)> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }
        var connection = (Npgsql.NpgsqlConnection)db.Database.GetDbConnection();
        await using var copy = await connection.BeginBinaryImportAsync(
            "COPY catalog_entities (id, entity_ref, kind, namespace, name, title, description, type, lifecycle, owner, system, tags, " +
            "filter_keys, document, location_id, source, content_hash, trusted_for_identity, created_at, updated_at) FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var (e, json) in rows)
        {
            await copy.StartRowAsync(cancellationToken);
            await copy.WriteAsync(e.Id, NpgsqlTypes.NpgsqlDbType.Uuid, cancellationToken);
            await copy.WriteAsync(e.EntityRef, NpgsqlTypes.NpgsqlDbType.Varchar, cancellationToken);
            await copy.WriteAsync(e.Kind, NpgsqlTypes.NpgsqlDbType.Varchar, cancellationToken);
            await copy.WriteAsync(e.Namespace, NpgsqlTypes.NpgsqlDbType.Varchar, cancellationToken);
            await copy.WriteAsync(e.Name, NpgsqlTypes.NpgsqlDbType.Varchar, cancellationToken);
            await copy.WriteNullableAsync(e.Title, cancellationToken);
            await copy.WriteNullableAsync(e.Description, cancellationToken);
            await copy.WriteNullableAsync(e.Type, cancellationToken);
            await copy.WriteNullableAsync(e.Lifecycle, cancellationToken);
            await copy.WriteNullableAsync(e.Owner, cancellationToken);
            await copy.WriteNullableAsync(e.System, cancellationToken);
            await copy.WriteAsync(e.Tags, NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text, cancellationToken);
            await copy.WriteAsync(e.FilterKeys, NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text, cancellationToken);
            await copy.WriteAsync(json, NpgsqlTypes.NpgsqlDbType.Jsonb, cancellationToken);
            await copy.WriteAsync(e.LocationId!.Value, NpgsqlTypes.NpgsqlDbType.Uuid, cancellationToken);
            await copy.WriteNullableAsync(e.Source, cancellationToken);
            await copy.WriteNullableAsync(e.ContentHash, cancellationToken);
            await copy.WriteAsync(e.TrustedForIdentity, NpgsqlTypes.NpgsqlDbType.Boolean, cancellationToken);
            await copy.WriteAsync(e.CreatedAt, NpgsqlTypes.NpgsqlDbType.TimestampTz, cancellationToken);
            await copy.WriteAsync(e.UpdatedAt, NpgsqlTypes.NpgsqlDbType.TimestampTz, cancellationToken);
        }
        await copy.CompleteAsync(cancellationToken);
    }

    private static async Task FlagOrphansAsync(PortalDbContext db, Guid locationId, HashSet<string> present, DateTimeOffset now, TimeSpan grace,
        CancellationToken cancellationToken)
    {
        var owned = await db.CatalogEntities.Where(e => e.LocationId == locationId).Select(e => new { e.Id, e.EntityRef, e.OrphanedAt }).ToListAsync(cancellationToken);
        var vanished = owned.Where(e => !present.Contains(e.EntityRef)).ToList();
        var newlyOrphaned = vanished.Where(e => e.OrphanedAt is null).Select(e => e.Id).ToList();
        if (newlyOrphaned.Count > 0)
        {
            await db.CatalogEntities.Where(e => newlyOrphaned.Contains(e.Id)).ExecuteUpdateAsync(s => s.SetProperty(e => e.OrphanedAt, now), cancellationToken);
        }
        var expired = vanished.Where(e => e.OrphanedAt is { } at && now - at >= grace).Select(e => e.EntityRef).ToList();
        if (grace == TimeSpan.Zero)
        {
            expired = vanished.Select(e => e.EntityRef).ToList();
        }
        if (expired.Count > 0)
        {
            await db.CatalogRelations.Where(r => expired.Contains(r.OriginRef)).ExecuteDeleteAsync(cancellationToken);
            await db.CatalogEntities.Where(e => expired.Contains(e.EntityRef)).ExecuteDeleteAsync(cancellationToken);
        }
    }

    /// <summary>Removes a location and everything it manages.</summary>
    public static async Task DeleteLocationAsync(PortalDbContext db, CatalogLocation location, CancellationToken cancellationToken)
    {
        var refs = await db.CatalogEntities.Where(e => e.LocationId == location.Id).Select(e => e.EntityRef).ToListAsync(cancellationToken);
        foreach (var chunk in refs.Chunk(5_000))
        {
            var list = chunk.ToList();
            await db.CatalogRelations.Where(r => list.Contains(r.OriginRef)).ExecuteDeleteAsync(cancellationToken);
        }
        await db.CatalogEntities.Where(e => e.LocationId == location.Id).ExecuteDeleteAsync(cancellationToken);
        db.CatalogLocations.Remove(location);
    }

    private static void AppendProblem(CatalogLocation location, ReadProblem problem)
    {
        var list = location.Errors is null
            ? new JsonArray()
            : JsonNode.Parse(location.Errors.RootElement.GetRawText()) as JsonArray ?? new JsonArray();
        if (list.Any(n => n?["message"]?.GetValue<string>() == problem.Message))
        {
            return;
        }
        problem = Storable(problem);
        list.Add(new JsonObject { ["source"] = problem.Source, ["line"] = problem.Line, ["entityRef"] = problem.EntityRef, ["message"] = problem.Message });
        location.Errors = JsonDocument.Parse(list.ToJsonString());
        if (location.Status == "ok")
        {
            location.Status = "warnings";
        }
    }

    /// <summary>A problem may quote the text it refused (a name with a NUL in it): stored, that text must be storable too.</summary>
    private static ReadProblem Storable(ReadProblem p) =>
        new(StorableText.Clean(p.Source), p.Line, p.EntityRef is null ? null : StorableText.Clean(p.EntityRef), StorableText.Clean(p.Message));

    /// <summary>The entity's ref, or whatever name it has when it is too broken to have a ref.</summary>
    public static string? RefOrName(JsonObject entity)
    {
        try
        {
            var kind = entity["kind"]?.GetValue<string>();
            var metadata = entity["metadata"] as JsonObject;
            var name = metadata?["name"]?.GetValue<string>();
            var ns = metadata?["namespace"]?.GetValue<string>() ?? EntityRef.DefaultNamespace;
            return kind is null || name is null ? name : new EntityRef(kind, ns, name).ToString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
