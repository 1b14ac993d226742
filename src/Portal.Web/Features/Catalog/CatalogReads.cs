using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;

namespace Portal.Web.Features.Catalog;

/// <summary>
/// The catalog's read surface: every question another feature asks the catalog, in one place, so no feature touches
/// the catalog's tables (the architecture test enforces it). Queries return <see cref="CatalogItem"/> projections that
/// callers filter, count, page and select on; only the columns a caller selects are read.
/// </summary>
public static class CatalogReads
{
    /// <summary>Every entity, orphans included.</summary>
    public static IQueryable<CatalogItem> Entities(PortalDbContext db) =>
        db.CatalogEntities.AsNoTracking().Select(e => new CatalogItem
        {
            Ref = e.EntityRef, Kind = e.Kind, Namespace = e.Namespace, Name = e.Name, Title = e.Title, Description = e.Description,
            Type = e.Type, Lifecycle = e.Lifecycle, Owner = e.Owner, System = e.System, Orphaned = e.OrphanedAt != null,
        });

    /// <summary>The entities of one kind (see <see cref="CatalogKinds"/>) that are not orphaned: what pages and pickers offer.</summary>
    public static IQueryable<CatalogItem> Active(PortalDbContext db, string kind) =>
        Entities(db).Where(i => i.Kind == kind && !i.Orphaned);

    /// <summary>
    /// The active entities of a kind that these teams own (full group refs such as a person's team claims, any case): what
    /// the personal home lists as "my services", and what the SLO home card asks the SLOs of.
    /// </summary>
    public static IQueryable<CatalogItem> OwnedBy(PortalDbContext db, string kind, IReadOnlyCollection<string> teams)
    {
        var owners = teams.Select(t => t.ToLowerInvariant()).Distinct().ToList();
        return Active(db, kind).Where(i => i.Owner != null && owners.Contains(i.Owner));
    }

    /// <summary>
    /// What people call these entities: the title (a group's <c>profile.displayName</c> is its title), else the name, by
    /// lower-case ref; refs not in the catalog are left out, so callers fall back to the ref.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, string>> DisplayNamesAsync(PortalDbContext db, IEnumerable<string> refs,
        CancellationToken cancellationToken)
    {
        var keys = refs.Select(r => r.ToLowerInvariant()).Distinct().ToList();
        if (keys.Count == 0)
        {
            return new Dictionary<string, string>();
        }
        return await db.CatalogEntities.AsNoTracking().Where(e => keys.Contains(e.EntityRef))
            .Select(e => new { e.EntityRef, Display = e.Title ?? e.Name }).ToDictionaryAsync(e => e.EntityRef, e => e.Display, cancellationToken);
    }

    /// <summary>
    /// A team's members in the catalog (users the group lists in <c>members</c> or who list it in <c>memberOf</c>), by
    /// display name: who a team picks people from (e.g. an incident's commander). <paramref name="teamRef"/> is a full group ref.
    /// </summary>
    public static async Task<IReadOnlyList<CatalogPerson>> MembersOfAsync(PortalDbContext db, string teamRef, CancellationToken cancellationToken)
    {
        var team = teamRef.ToLowerInvariant();
        var users = CatalogTeamDirectory.TrustedRelations(db).Where(r => r.SourceRef == team && r.Type == EntityRelations.HasMember).Select(r => r.TargetRef);
        var trustedUsers = db.CatalogEntities.Where(e => e.Kind == CatalogKinds.User && e.TrustedForIdentity).Select(e => e.EntityRef);
        return (await Active(db, CatalogKinds.User).Where(u => users.Contains(u.Ref) && trustedUsers.Contains(u.Ref)).Select(u => new { u.Ref, u.Name, u.Title }).Take(1000).ToListAsync(cancellationToken))
            .Select(u => new CatalogPerson(u.Ref, u.Name, u.Title ?? u.Name)).OrderBy(p => p.DisplayName, StringComparer.OrdinalIgnoreCase).ToList();
    }

    /// <summary>Whether an entity of <paramref name="kind"/> with this ref exists (orphans included, as until it is removed).</summary>
    public static Task<bool> ExistsAsync(PortalDbContext db, string entityRef, string kind, CancellationToken cancellationToken) =>
        db.CatalogEntities.AnyAsync(e => e.EntityRef == entityRef && e.Kind == kind, cancellationToken);

    /// <summary>The owner of an entity (a full lower-case group ref), or null when it has none or does not exist.</summary>
    public static Task<string?> OwnerOfAsync(PortalDbContext db, string entityRef, CancellationToken cancellationToken) =>
        db.CatalogEntities.AsNoTracking().Where(e => e.EntityRef == entityRef).Select(e => e.Owner).FirstOrDefaultAsync(cancellationToken);

    /// <summary>An entity's whole descriptor (templates, annotations), or null; <paramref name="kind"/> null for any kind.</summary>
    public static Task<JsonDocument?> DescriptorAsync(PortalDbContext db, string entityRef, string? kind, bool includeOrphans,
        CancellationToken cancellationToken) =>
        db.CatalogEntities.AsNoTracking()
            .Where(e => e.EntityRef == entityRef && (kind == null || e.Kind == kind) && (includeOrphans || e.OrphanedAt == null))
            .Select(e => (JsonDocument?)e.Document).FirstOrDefaultAsync(cancellationToken);

    /// <summary>The descriptors of these entities (orphans included), by ref, in one query; refs not in the catalog are left out.</summary>
    public static async Task<IReadOnlyDictionary<string, JsonDocument>> DescriptorsOfAsync(PortalDbContext db, IEnumerable<string> entityRefs,
        CancellationToken cancellationToken)
    {
        var refs = entityRefs.Distinct(StringComparer.Ordinal).ToList();
        return refs.Count == 0 ? new Dictionary<string, JsonDocument>()
            : await db.CatalogEntities.AsNoTracking().Where(e => refs.Contains(e.EntityRef))
                .Select(e => new { e.EntityRef, e.Document }).ToDictionaryAsync(e => e.EntityRef, e => e.Document, StringComparer.Ordinal, cancellationToken);
    }

    /// <summary>The descriptors of every active entity of a kind, by ref (e.g. the template list).</summary>
    public static async Task<IReadOnlyList<(string Ref, JsonDocument Descriptor)>> DescriptorsAsync(PortalDbContext db, string kind,
        CancellationToken cancellationToken) =>
        (await db.CatalogEntities.AsNoTracking().Where(e => e.Kind == kind && e.OrphanedAt == null).OrderBy(e => e.EntityRef)
            .Select(e => new { e.EntityRef, e.Document }).ToListAsync(cancellationToken))
        .Select(e => (e.EntityRef, e.Document)).ToList();

    /// <summary>The refs a location holds now (e.g. what a template's <c>catalog:register</c> registered), components first.</summary>
    public static async Task<IReadOnlyList<string>> RefsOfLocationAsync(PortalDbContext db, Guid locationId, CancellationToken cancellationToken) =>
        await db.CatalogEntities.AsNoTracking().Where(e => e.LocationId == locationId)
            .OrderBy(e => e.Kind == CatalogKinds.Component ? 0 : 1).ThenBy(e => e.EntityRef).Select(e => e.EntityRef).ToListAsync(cancellationToken);

    /// <summary>
    /// The active entities of a kind that carry an annotation and came from a file: their ref, source file and descriptor
    /// (e.g. the components whose <c>openslo.yaml</c> the SLO feature reads next to their descriptor).
    /// </summary>
    public static async Task<IReadOnlyList<(string Ref, string Source, JsonDocument Descriptor)>> AnnotatedAsync(PortalDbContext db, string kind,
        string annotation, CancellationToken cancellationToken) =>
        (await db.CatalogEntities.AsNoTracking()
            .Where(e => e.Kind == kind && e.OrphanedAt == null && e.Source != null && e.FilterKeys.Contains($"metadata.annotations.{annotation}"))
            .Select(e => new { e.EntityRef, e.Source, e.Document }).ToListAsync(cancellationToken))
        .Select(e => (e.EntityRef, e.Source!, e.Document)).ToList();

    /// <summary>
    /// Who depends on an entity, nearest first: components that list it in <c>dependsOn</c> or consume an API it provides,
    /// then theirs (up to <paramref name="depth"/> steps, at most <paramref name="max"/> refs). The entity itself is left out.
    /// </summary>
    public static async Task<IReadOnlyList<string>> DependentsAsync(PortalDbContext db, string entityRef, int depth, int max,
        CancellationToken cancellationToken)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { entityRef };
        var found = new List<string>();
        var frontier = new List<string> { entityRef };
        for (var step = 0; step < depth && frontier.Count > 0 && found.Count < max; step++)
        {
            var apis = await db.CatalogRelations.AsNoTracking()
                .Where(r => frontier.Contains(r.SourceRef) && r.Type == EntityRelations.ProvidesApi).Select(r => r.TargetRef).ToListAsync(cancellationToken);
            var next = await db.CatalogRelations.AsNoTracking()
                .Where(r => (r.Type == EntityRelations.DependsOn && frontier.Contains(r.TargetRef))
                    || (r.Type == EntityRelations.ConsumesApi && apis.Contains(r.TargetRef)))
                .Select(r => r.SourceRef).Distinct().OrderBy(r => r).ToListAsync(cancellationToken);
            frontier = next.Where(seen.Add).ToList();
            found.AddRange(frontier.Take(max - found.Count));
        }
        return found;
    }

    /// <summary>
    /// The catalog's version: changes whenever any entity is written (the search index's <c>catalog_changes</c> record),
    /// so a feature can tell cheaply whether the catalog changed since it last looked.
    /// </summary>
    public static async Task<string> VersionAsync(PortalDbContext db, CancellationToken cancellationToken) =>
        (await db.Database.SqlQueryRaw<string>(
            "SELECT coalesce(sum(weight), 0)::bigint::text || ':' || coalesce(bit_xor(fingerprint), 0)::bigint::text AS \"Value\" FROM catalog_changes")
            .ToListAsync(cancellationToken)).Single();

    /// <summary>
    /// A page of active entities of these kinds with their tags, annotations and links, in ref order after
    /// <paramref name="afterRef"/> (keyset paging, so a caller walks 100,000 entities in bounded memory).
    /// </summary>
    public static async Task<IReadOnlyList<CatalogFacts>> FactsAsync(PortalDbContext db, IReadOnlyCollection<string> kinds, string? afterRef, int take,
        CancellationToken cancellationToken)
    {
        var rows = await db.CatalogEntities.AsNoTracking()
            .Where(e => e.OrphanedAt == null && kinds.Contains(e.Kind) && (afterRef == null || string.Compare(e.EntityRef, afterRef) > 0))
            .OrderBy(e => e.EntityRef).Take(take)
            .Select(e => new { e.EntityRef, e.Kind, e.Type, e.Lifecycle, e.Owner, e.System, e.Title, e.Description, e.Tags, e.Document })
            .ToListAsync(cancellationToken);
        var facts = new List<CatalogFacts>(rows.Count);
        foreach (var row in rows)
        {
            using var document = row.Document;
            var annotations = new Dictionary<string, string>(StringComparer.Ordinal);
            var links = new List<CatalogLink>();
            if (document.RootElement.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object)
            {
                if (metadata.TryGetProperty("annotations", out var a) && a.ValueKind == JsonValueKind.Object)
                {
                    foreach (var p in a.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String))
                    {
                        annotations[p.Name] = p.Value.GetString()!;
                    }
                }
                if (metadata.TryGetProperty("links", out var l) && l.ValueKind == JsonValueKind.Array)
                {
                    foreach (var link in l.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.Object && Text(i, "url") is not null))
                    {
                        links.Add(new CatalogLink(Text(link, "url")!, Text(link, "title"), Text(link, "type"), Text(link, "icon")));
                    }
                }
            }
            facts.Add(new CatalogFacts(row.EntityRef, row.Kind, row.Type, row.Lifecycle, row.Owner, row.System, row.Title, row.Description, row.Tags,
                annotations, links));
        }
        return facts;
    }

    private static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>
    /// The tags active entities carry, with how many entities carry each, most used first (then by name), at most
    /// <paramref name="take"/>: what a tags picker offers. <paramref name="kinds"/> empty: every kind; else only these (any case).
    /// </summary>
    public static async Task<IReadOnlyList<(string Tag, int Count)>> TagsInUseAsync(PortalDbContext db, IReadOnlyCollection<string> kinds, int take,
        CancellationToken cancellationToken)
    {
        var wanted = kinds.Select(CatalogEntityMapper.CanonicalKind).Distinct(StringComparer.Ordinal).ToList();
        return (await db.CatalogEntities.AsNoTracking()
                .Where(e => e.OrphanedAt == null && (wanted.Count == 0 || wanted.Contains(e.Kind)))
                .SelectMany(e => e.Tags).GroupBy(t => t).Select(g => new { Tag = g.Key, Count = g.Count() })
                .OrderByDescending(t => t.Count).ThenBy(t => t.Tag).Take(take).ToListAsync(cancellationToken))
            .Select(t => (t.Tag, t.Count)).ToList();
    }

    /// <summary>How many outgoing relations of each of these types every entity has (e.g. providesApi, dependsOn).</summary>
    public static async Task<IReadOnlyList<(string Ref, string Type, int Count)>> RelationCountsAsync(PortalDbContext db, IReadOnlyCollection<string> types,
        CancellationToken cancellationToken) =>
        (await db.CatalogRelations.AsNoTracking().Where(r => types.Contains(r.Type)).GroupBy(r => new { r.SourceRef, r.Type })
            .Select(g => new { g.Key.SourceRef, g.Key.Type, Count = g.Count() }).ToListAsync(cancellationToken))
        .Select(r => (r.SourceRef, r.Type, r.Count)).ToList();

    /// <summary>
    /// Descriptors with the file each was read from (null unless on disk), for callers that re-read the author's file for
    /// its key order (templates); ordered by title, then name. <paramref name="entityRef"/> null for every entity of the kind.
    /// </summary>
    public static async Task<IReadOnlyList<CatalogDescriptor>> DescriptorsWithSourceAsync(PortalDbContext db, string kind, string? entityRef,
        bool includeOrphans, CancellationToken cancellationToken) =>
        await db.CatalogEntities.AsNoTracking()
            .Where(e => e.Kind == kind && (entityRef == null || e.EntityRef == entityRef) && (includeOrphans || e.OrphanedAt == null))
            .OrderBy(e => e.Title ?? e.Name)
            .Select(e => new CatalogDescriptor(e.EntityRef, e.Namespace, e.Name, e.Document, e.Source, e.UpdatedAt, e.TrustedForIdentity)).ToListAsync(cancellationToken);

    /// <summary>
    /// The active entities of a (custom) kind with the location each came from and whether an admin registered that
    /// location: features that take definitions from the catalog (scorecards) accept only what an admin's location holds,
    /// because a member may register a location of their own with any kind in it.
    /// </summary>
    public static async Task<IReadOnlyList<CatalogDefinition>> DefinitionsAsync(PortalDbContext db, string kind, CancellationToken cancellationToken) =>
        await (from e in db.CatalogEntities.AsNoTracking()
               join l in db.CatalogLocations.AsNoTracking() on e.LocationId equals l.Id into locations
               from l in locations.DefaultIfEmpty()
               where e.Kind == kind && e.OrphanedAt == null
               orderby e.EntityRef
               select new CatalogDefinition(e.EntityRef, e.Document, e.Source, l == null ? null : l.Type + ":" + l.Target, l != null && l.RegistrantIsAdmin))
            .ToListAsync(cancellationToken);
}

/// <summary>A link of a descriptor's <c>metadata.links</c>.</summary>
public sealed record CatalogLink(string Url, string? Title, string? Type, string? Icon);

/// <summary>
/// What rule-based features (scorecards) judge of an entity: its columns plus the descriptor's tags, annotations and links,
/// read from the stored descriptor so callers never parse the catalog's tables themselves.
/// </summary>
public sealed record CatalogFacts(string Ref, string Kind, string? Type, string? Lifecycle, string? Owner, string? System, string? Title,
    string? Description, IReadOnlyList<string> Tags, IReadOnlyDictionary<string, string> Annotations, IReadOnlyList<CatalogLink> Links);

/// <summary>
/// An entity's descriptor, the file it was read from and when its descriptor last changed (a refresh that finds it unchanged
/// does not move <see cref="UpdatedAt"/>); see <see cref="CatalogReads.DescriptorsWithSourceAsync"/>.
/// </summary>
public sealed record CatalogDescriptor(string Ref, string Namespace, string Name, JsonDocument Document, string? Source, DateTimeOffset UpdatedAt = default,
    bool TrustedForIdentity = false);

/// <summary>
/// An entity of a custom kind as a definition (see <see cref="CatalogReads.DefinitionsAsync"/>): its descriptor, the file
/// and the location it came from, and whether an admin registered that location.
/// </summary>
public sealed record CatalogDefinition(string Ref, JsonDocument Document, string? Source, string? Location, bool FromAdminLocation);

/// <summary>A person in the catalog: their user ref, user name (what sign-in calls them) and display name.</summary>
public sealed record CatalogPerson(string Ref, string Name, string DisplayName);
