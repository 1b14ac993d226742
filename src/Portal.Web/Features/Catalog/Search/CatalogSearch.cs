using System.Linq.Expressions;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;

namespace Portal.Web.Features.Catalog.Search;

/// <summary>
/// Backstage's catalog query semantics on PostgreSQL: within one filter commas are AND, repeated
/// filters are OR, <c>key</c> alone means "has the field", matching is case-insensitive and arrays
/// match any item, <c>relations.&lt;type&gt;=&lt;ref&gt;</c> follows the relations table. Paging is
/// keyset-based, so a cursor stays valid while entities are added or removed.
/// </summary>
public static class CatalogSearch
{
    public const int MaxLimit = 500;

    private static readonly Dictionary<string, string> RelationTypes = new[]
    {
        "ownedBy", "ownerOf", "partOf", "hasPart", "providesApi", "apiProvidedBy", "consumesApi", "apiConsumedBy",
        "dependsOn", "dependencyOf", "childOf", "parentOf", "memberOf", "hasMember",
    }.ToDictionary(t => t.ToLowerInvariant(), t => t, StringComparer.Ordinal);

    /// <param name="fullTextFields">
    /// Backstage's <c>fullTextFilterFields</c>: the term must then be a case-insensitive substring of one of
    /// these fields. Without them the term is searched in name, title and description (words, name prefix and
    /// typo-tolerant name similarity).
    /// </param>
    public static IQueryable<CatalogEntity> Apply(PortalDbContext db, IQueryable<CatalogEntity> query, IReadOnlyList<string> filters, string? fullText,
        IReadOnlyList<string>? fullTextFields = null)
    {
        var groups = filters.Where(f => !string.IsNullOrWhiteSpace(f)).Select(f => Group(db, f)).ToList();
        if (groups.Count > 0)
        {
            var any = groups.Aggregate((a, b) => Or(a, b));
            query = query.Where(any);
        }
        var fields = (fullTextFields ?? []).SelectMany(f => f.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        if (!string.IsNullOrWhiteSpace(fullText) && fields.Count > 0)
        {
            query = query.Where(fields.Select(f => FieldContains(f, fullText.Trim())).Aggregate((a, b) => Or(a, b)));
        }
        else if (!string.IsNullOrWhiteSpace(fullText))
        {
            var term = fullText.Trim();
            var prefix = CatalogQueries.EscapeLike(term) + "%";
            query = query.Where(e => e.SearchVector.Matches(EF.Functions.WebSearchToTsQuery("simple", term))
                || EF.Functions.TrigramsAreSimilar(e.Name, term)
                || EF.Functions.ILike(e.Name, prefix));
        }
        return query;
    }

    /// <summary>Parses <c>kind=component,spec.type=service,relations.ownedby=group:default/team-a</c>.</summary>
    /// <summary>One <c>fullTextFilterFields</c> field: columns where there is one, else the field's filter keys.</summary>
    private static Expression<Func<CatalogEntity, bool>> FieldContains(string field, string term)
    {
        var pattern = "%" + CatalogQueries.EscapeLike(term.ToLowerInvariant()) + "%";
        var path = field.ToLowerInvariant();
        switch (path)
        {
            case "metadata.name":
                return e => EF.Functions.ILike(e.Name, pattern);
            case "metadata.title":
                return e => EF.Functions.ILike(e.Title!, pattern);
            case "metadata.description":
                return e => EF.Functions.ILike(e.Description!, pattern);
            default:
                // Filter keys hold "path=value" in lower case, one per value (arrays give one key per item).
                var keyPattern = CatalogQueries.EscapeLike(path) + "=" + pattern;
                return e => e.FilterKeys.Any(k => EF.Functions.Like(k, keyPattern));
        }
    }

    /// <summary>
    /// The fields every common view filters on are answered from btree-indexed columns, so that counting a
    /// large match is an index-only scan: GIN bitmap scans always visit the heap (PostgreSQL 15.11+ no longer
    /// skips all-visible pages), which at 100,000 entities cost 50-170 ms per count. Values compare
    /// case-insensitively, as Backstage's filters do.
    /// </summary>
    private static Expression<Func<CatalogEntity, bool>>? ColumnPredicate(string key, string[] values)
    {
        // One value is an equality the btree indexes serve; several are one "= ANY(array)" parameter. (With
        // Contains on a nullable column EF adds a NULL check, so single values do not go through it.)
        var lower = values[0].ToLowerInvariant();
        var lowers = values.Select(v => v.ToLowerInvariant()).ToArray();
        switch (key)
        {
            case "kind" when values.All(CatalogEntityMapper.IsKnownKind):
                // Known kinds are stored canonically.
                var kind = CatalogEntityMapper.CanonicalKind(values[0]);
                var kinds = values.Select(CatalogEntityMapper.CanonicalKind).ToArray();
                // Equality also lets the (kind, name, entity_ref) index deliver rows in name order (an = ANY on
                // the leading column does not, before PostgreSQL 17).
                return values.Length == 1 ? e => e.Kind == kind : e => kinds.Contains(e.Kind);
            // lower(column) = value is what the expression indexes match. Only ToLower() translates to SQL
            // (not ToLowerInvariant or string.Equals with a comparison), and it runs in PostgreSQL, not in .NET.
#pragma warning disable CA1862, CA1304, CA1311
            case "spec.type":
                return values.Length == 1 ? e => e.Type!.ToLower() == lower : e => lowers.Contains(e.Type!.ToLower());
            case "spec.lifecycle":
                return values.Length == 1 ? e => e.Lifecycle!.ToLower() == lower : e => lowers.Contains(e.Lifecycle!.ToLower());
#pragma warning restore CA1862, CA1304, CA1311
            case "relations.ownedby":
                // ownedBy comes only from spec.owner, which is always a string, and the column holds the same
                // resolved, lower-case reference as the relation's target.
                return values.Length == 1 ? e => e.Owner == lower : e => lowers.Contains(e.Owner!);
            default:
                return null;
        }
    }

    /// <remarks>
    /// As in Backstage (<c>parseEntityFilterString</c>), one key given several times within a filter is a choice:
    /// <c>kind=component,kind=api</c> matches either kind, which is how Backstage's own client sends an array value.
    /// </remarks>
    private static Expression<Func<CatalogEntity, bool>> Group(PortalDbContext db, string filter)
    {
        var required = new List<string>();
        Expression<Func<CatalogEntity, bool>> predicate = e => true;
        foreach (var (part, key, values) in CatalogFilter.Conditions(filter))
        {
            if (key.StartsWith("relations.", StringComparison.Ordinal))
            {
                predicate = And(predicate, Relation(db, part, key, values));
            }
            else if (values is not null && ColumnPredicate(key, values) is { } column)
            {
                predicate = And(predicate, column);
            }
            else if (values is null || values.Length == 1)
            {
                // Collected into one array containment below.
                required.Add(values is null ? key : CatalogFilterKeys.Key(key, values[0]));
            }
            else
            {
                // filter_keys && ARRAY[...]: one GIN probe for the choice.
                var choices = values.Select(v => CatalogFilterKeys.Key(key, v)).ToArray();
                predicate = And(predicate, e => e.FilterKeys.Any(k => choices.Contains(k)));
            }
        }
        if (required.Count > 0)
        {
            var all = required.ToArray();
            // Translates to filter_keys @> ARRAY[...]: one GIN index probe for the whole AND group.
            predicate = And(predicate, e => all.All(k => e.FilterKeys.Contains(k)));
        }
        return predicate;
    }

    /// <summary><c>relations.&lt;type&gt;</c>, alone (has such a relation) or with target refs (to one of them).</summary>
    private static Expression<Func<CatalogEntity, bool>> Relation(PortalDbContext db, string part, string key, string[]? targets)
    {
        if (!RelationTypes.TryGetValue(key["relations.".Length..], out var type))
        {
            throw new CatalogQueryException($"Unknown relation type in filter '{part}'. Known: {string.Join(", ", RelationTypes.Values)}.");
        }
        if (targets is not null && ColumnPredicate(key, targets) is { } column)
        {
            return column;
        }
        var lowered = targets?.Select(t => t.ToLowerInvariant()).ToArray();
        // A local, not db.CatalogRelations inside the lambda: an expression tree cannot hold an extension property (CatalogData).
        var relations = db.CatalogRelations;
        return lowered is null
            ? e => relations.Any(r => r.SourceRef == e.EntityRef && r.Type == type)
            : e => relations.Any(r => r.SourceRef == e.EntityRef && r.Type == type && lowered.Contains(r.TargetRef));
    }

    /// <param name="index">Answers the queries it covers (column filters, with or without full text) from memory; null (or a stale index) leaves them to PostgreSQL.</param>
    public static async Task<CatalogPage> QueryAsync(PortalDbContext db, CatalogQuery request, CancellationToken cancellationToken,
        CatalogSearchIndex? index = null)
    {
        var cursor = Cursor.Decode(request.Cursor);
        if (cursor is not null)
        {
            request = request with { Filters = cursor.Filters, FullText = cursor.FullText, FullTextFields = cursor.FullTextFields, OrderField = cursor.OrderField };
        }
        RefuseNul([request.FullText, request.OrderField, cursor?.Value, cursor?.Ref, .. request.Filters, .. request.FullTextFields ?? []]);
        var limit = Math.Clamp(request.Limit, 1, MaxLimit);
        var (field, descending) = ParseOrder(request.OrderField);
        var sort = SortOf(field);
        var sortKey = sort.Key;
        var filtered = Apply(db, db.CatalogEntities.AsNoTracking(), request.Filters, request.FullText, request.FullTextFields);
        if (!request.IncludeOrphans)
        {
            filtered = filtered.Where(e => e.OrphanedAt == null);
        }
        var backwards = cursor?.Before == true;
        int total;
        List<CatalogEntity> rows;
        if (await MatchInMemoryAsync(index, db, request, field, cursor, descending ^ backwards, limit + 1, cancellationToken) is { } fromIndex)
        {
            (total, rows) = fromIndex;
        }
        else if (!string.IsNullOrWhiteSpace(request.FullText))
        {
            (total, rows) = await MatchOnceAsync(db, filtered, sortKey, cursor, descending ^ backwards, limit + 1, cancellationToken);
        }
        else
        {
            total = await filtered.CountAsync(cancellationToken);
            rows = await PageAsync(filtered, sortKey, cursor, descending ^ backwards, limit + 1, cancellationToken);
        }
        var more = rows.Count > limit;
        rows = rows.Take(limit).ToList();
        if (backwards)
        {
            rows.Reverse();
        }

        var compiled = sort.Read;
        string[] filters = [.. request.Filters], fullTextFields = [.. request.FullTextFields ?? []];
        string? next = null, prev = null;
        if (rows.Count > 0)
        {
            var hasNext = backwards ? cursor is not null : more;
            var hasPrev = backwards ? more : cursor is not null;
            if (hasNext)
            {
                next = Cursor.Encode(new Cursor(compiled(rows[^1]), rows[^1].EntityRef, false, filters, request.FullText, fullTextFields, request.OrderField));
            }
            if (hasPrev)
            {
                prev = Cursor.Encode(new Cursor(compiled(rows[0]), rows[0].EntityRef, true, filters, request.FullText, fullTextFields, request.OrderField));
            }
        }

        var refs = rows.Select(r => r.EntityRef).ToList();
        var relations = await db.CatalogRelations.AsNoTracking().Where(r => refs.Contains(r.SourceRef))
            .Select(r => new { r.SourceRef, r.Type, r.TargetRef }).Distinct().ToListAsync(cancellationToken);
        var byRef = relations.ToLookup(r => r.SourceRef, r => (r.Type, r.TargetRef));
        var items = rows.Select(r => Project(ToApiEntity(r, byRef[r.EntityRef]), request.Fields)).ToList();
        return new CatalogPage(items, total, new PageInfo(next, prev));
    }

    /// <summary>PostgreSQL text cannot hold U+0000; a query containing it is a 400, not a database error.</summary>
    private static void RefuseNul(IEnumerable<string?> texts)
    {
        if (texts.Any(t => t is not null && t.Contains('\0', StringComparison.Ordinal)))
        {
            throw new CatalogQueryException("The query contains a NUL character (U+0000), which no catalog field can hold.");
        }
    }

    /// <summary>The page in order, with the cursor applied: one indexed query.</summary>
    private static Task<List<CatalogEntity>> PageAsync(IQueryable<CatalogEntity> filtered, Expression<Func<CatalogEntity, string>> sortKey, Cursor? cursor,
        bool descending, int take, CancellationToken cancellationToken)
    {
        var page = cursor is null ? filtered : filtered.Where(After(sortKey, cursor.Value, cursor.Ref, descending));
        return Order(page, sortKey, descending).Take(take).Select(AnswerColumns).ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Full-text matches come from GIN indexes, and PostgreSQL visits the heap for every match (no index-only
    /// scans there), so counting and then sorting would read each matching row twice. Instead the matches'
    /// sort keys are collected once into a materialized CTE that gives both the total and the page's ids;
    /// only the page's rows are then read in full.
    /// </summary>
    private static async Task<(int Total, List<CatalogEntity> Rows)> MatchOnceAsync(PortalDbContext db, IQueryable<CatalogEntity> filtered,
        Expression<Func<CatalogEntity, string>> sortKey, Cursor? cursor, bool descending, int take, CancellationToken cancellationToken)
    {
        var e = sortKey.Parameters[0];
        var keyRow = Expression.Lambda<Func<CatalogEntity, MatchKey>>(Expression.MemberInit(Expression.New(typeof(MatchKey)),
            Expression.Bind(typeof(MatchKey).GetProperty(nameof(MatchKey.Key))!, sortKey.Body),
            Expression.Bind(typeof(MatchKey).GetProperty(nameof(MatchKey.Ref))!, Expression.Property(e, nameof(CatalogEntity.EntityRef))),
            Expression.Bind(typeof(MatchKey).GetProperty(nameof(MatchKey.Id))!, Expression.Property(e, nameof(CatalogEntity.Id)))), e);
        await using var command = filtered.Select(keyRow).CreateDbCommand();
        var direction = descending ? "DESC" : "ASC";
        var after = "";
        if (cursor is not null)
        {
            after = $"WHERE (m.key, m.ref) {(descending ? "<" : ">")} (@portal_cursor_key, @portal_cursor_ref)";
            command.Parameters.Add(new Npgsql.NpgsqlParameter("portal_cursor_key", cursor.Value));
            command.Parameters.Add(new Npgsql.NpgsqlParameter("portal_cursor_ref", cursor.Ref));
        }
        // Columns are renamed by position: the inner SELECT lists Key, Ref, Id in the order they are bound above.
        command.CommandText = $"""
            WITH m(key, ref, id) AS MATERIALIZED ({command.CommandText})
            SELECT t.total, p.id
            FROM (SELECT count(*)::int AS total FROM m) AS t
            LEFT JOIN LATERAL (
                SELECT m.id, m.key, m.ref FROM m {after}
                ORDER BY m.key {direction}, m.ref {direction}
                LIMIT {take}) AS p ON TRUE
            ORDER BY p.key {direction}, p.ref {direction}
            """;
        var total = 0;
        var ids = new List<Guid>(take);
        await ReadAsync(db, command, reader =>
        {
            total = reader.GetInt32(0);
            if (!reader.IsDBNull(1))
            {
                ids.Add(reader.GetGuid(1));
            }
        }, cancellationToken);
        return (total, await RowsInOrderAsync(db, ids, cancellationToken));
    }

    /// <summary>The page's rows, in the order of <paramref name="ids"/>.</summary>
    private static async Task<List<CatalogEntity>> RowsInOrderAsync(PortalDbContext db, List<Guid> ids, CancellationToken cancellationToken)
    {
        var byId = (await db.CatalogEntities.AsNoTracking().Where(x => ids.Contains(x.Id)).Select(AnswerColumns).ToListAsync(cancellationToken))
            .ToDictionary(x => x.Id);
        // An entity deleted between the two statements is simply missing from this page.
        return ids.Where(byId.ContainsKey).Select(id => byId[id]).ToList();
    }

    /// <summary>
    /// The page from <see cref="CatalogSearchIndex"/>, with or without a full-text term, or null when it cannot
    /// answer (no index, a stale snapshot, fields or filters it does not cover): the same total and page the SQL
    /// path gives.
    /// </summary>
    private static async Task<(int Total, List<CatalogEntity> Rows)?> MatchInMemoryAsync(CatalogSearchIndex? index, PortalDbContext db,
        CatalogQuery request, string field, Cursor? cursor, bool descending, int take, CancellationToken cancellationToken)
    {
        if (request.FullTextFields is { Count: > 0 }
            || await SelectFromIndexAsync(index, db, request.Filters, request.FullText, request.IncludeOrphans, cancellationToken) is not var (snapshot, bits))
        {
            return null;
        }
        var ids = snapshot.Page(bits, field, descending, cursor is null ? null : (cursor.Value, cursor.Ref), skip: 0, take);
        return (CatalogTextMatch.PopCount(bits), await RowsInOrderAsync(db, ids, cancellationToken));
    }

    /// <summary>
    /// The entities matching <paramref name="filters"/> and <paramref name="fullText"/> as a bit set over the index's
    /// current snapshot, or null when the index cannot answer (none, stale, or filters it does not cover).
    /// </summary>
    private static async Task<(CatalogSearchIndex.Snapshot Snapshot, ulong[] Bits)?> SelectFromIndexAsync(CatalogSearchIndex? index, PortalDbContext db,
        IReadOnlyList<string> filters, string? fullText, bool includeOrphans, CancellationToken cancellationToken)
    {
        if (index is null || !CatalogSearchIndex.TryFilter(filters, out var filter)
            || await index.ProbeAsync(db, string.IsNullOrWhiteSpace(fullText) ? null : fullText.Trim(), cancellationToken) is not { } probe)
        {
            return null;
        }
        return (probe.Snapshot, probe.Snapshot.Select(probe.Text, filter, includeOrphans));
    }

    /// <summary>
    /// For pages that jump to page N (the catalog page's grid): the total and the ids of rows
    /// [<paramref name="offset"/>, offset + <paramref name="size"/>) in the order of <paramref name="orderField"/>,
    /// from the index; null when it cannot answer, and then the caller pages with <see cref="Apply"/> and
    /// <see cref="Order(IQueryable{CatalogEntity}, string?)"/>, which give the same rows.
    /// </summary>
    public static async Task<(int Total, List<Guid> Ids)?> OffsetPageFromIndexAsync(CatalogSearchIndex index, PortalDbContext db,
        IReadOnlyList<string> filters, string? fullText, string? orderField, int offset, int size, CancellationToken cancellationToken)
    {
        var (field, descending) = ParseOrder(orderField);
        SortOf(field);
        if (await SelectFromIndexAsync(index, db, filters, fullText, includeOrphans: true, cancellationToken) is not var (snapshot, bits))
        {
            return null;
        }
        return (CatalogTextMatch.PopCount(bits), snapshot.Page(bits, field, descending, after: null, offset, size));
    }

    /// <summary>
    /// The search page and the app bar: every match of <paramref name="fullText"/> under <paramref name="filters"/>,
    /// ordered by <see cref="SearchRanking"/>; the total and the ids of one page. The index and the SQL path rank the
    /// same candidates with the same code, so they give the same order.
    /// </summary>
    public static async Task<(int Total, List<Guid> Ids)> RankedAsync(CatalogSearchIndex? index, PortalDbContext db, IReadOnlyList<string> filters,
        string fullText, int offset, int size, CancellationToken cancellationToken)
    {
        List<RankCandidate> candidates;
        if (await SelectFromIndexAsync(index, db, filters, fullText, includeOrphans: true, cancellationToken) is var (snapshot, bits))
        {
            var kinds = snapshot.ColumnIds(CatalogSearchIndex.Column.Kind);
            candidates = CatalogTextMatch.Members(bits)
                .Select(d => new RankCandidate(snapshot.Ids[d], snapshot.Refs[d], snapshot.Strings[kinds[d]], snapshot.Names[d], snapshot.Titles[d]))
                .ToList();
        }
        else
        {
            candidates = await Apply(db, db.CatalogEntities.AsNoTracking(), filters, fullText)
                .Select(e => new RankCandidate(e.Id, e.EntityRef, e.Kind, e.Name, e.Title))
                .ToListAsync(cancellationToken);
        }
        var ordered = SearchRanking.Order(candidates, fullText);
        return (ordered.Count, ordered.Skip(offset).Take(size).Select(c => c.Id).ToList());
    }

    /// <summary>Runs a command EF built and this class rewrapped, on the context's connection, row by row.</summary>
    private static async Task ReadAsync(PortalDbContext db, System.Data.Common.DbCommand command, Action<System.Data.Common.DbDataReader> row,
        CancellationToken cancellationToken)
    {
        var opened = db.Database.GetDbConnection().State != System.Data.ConnectionState.Open;
        if (opened)
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
        }
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                row(reader);
            }
        }
        finally
        {
            if (opened)
            {
                await db.Database.CloseConnectionAsync();
            }
        }
    }

    /// <summary>
    /// Tag counts with unnest() in the select list: PostgreSQL runs that as a ProjectSet, about twice as fast as
    /// the LATERAL join EF writes for SelectMany (measured at 100,000 entities: 89 vs 164 ms), and the
    /// (kind) INCLUDE (tags) index makes the scan index-only.
    /// </summary>
    private static async Task<IReadOnlyList<FacetValue>> TagFacetAsync(PortalDbContext db, IQueryable<CatalogEntity> query, CancellationToken cancellationToken)
    {
        await using var command = query.Select(e => e.Tags).CreateDbCommand();
        command.CommandText = $"""
            SELECT u.value, count(*)::int AS count
            FROM (SELECT unnest(x.tags) AS value FROM ({command.CommandText}) AS x(tags)) AS u
            GROUP BY u.value
            ORDER BY count DESC, u.value
            """;
        var values = new List<FacetValue>();
        await ReadAsync(db, command, reader => values.Add(new FacetValue(reader.GetString(0), reader.GetInt32(1))), cancellationToken);
        return values;
    }

    private sealed class MatchKey
    {
        public string Key { get; set; } = "";
        public string Ref { get; set; } = "";
        public Guid Id { get; set; }
    }

    /// <summary>
    /// Only what the answer and the cursor need: a sort passes every candidate row through, and filter_keys and
    /// search_vector would make each of them about 900 bytes wider.
    /// </summary>
    private static readonly Expression<Func<CatalogEntity, CatalogEntity>> AnswerColumns = e => new CatalogEntity
    {
        Id = e.Id,
        EntityRef = e.EntityRef,
        Kind = e.Kind,
        Namespace = e.Namespace,
        Name = e.Name,
        Title = e.Title,
        Type = e.Type,
        Lifecycle = e.Lifecycle,
        Owner = e.Owner,
        Document = e.Document,
        ContentHash = e.ContentHash,
        UpdatedAt = e.UpdatedAt,
        OrphanedAt = e.OrphanedAt,
    };

    /// <summary>
    /// Orders as <see cref="QueryAsync"/> does for <paramref name="orderField"/> (same fields, ties broken by
    /// entity ref), for the catalog page, whose data grid jumps to page N and so pages by offset, not cursor.
    /// </summary>
    public static IOrderedQueryable<CatalogEntity> Order(IQueryable<CatalogEntity> query, string? orderField)
    {
        var (field, descending) = ParseOrder(orderField);
        return Order(query, SortOf(field).Key, descending);
    }

    /// <summary>Ties are broken by entity ref, so an order (and a cursor into it) is total.</summary>
    private static IOrderedQueryable<CatalogEntity> Order(IQueryable<CatalogEntity> query, Expression<Func<CatalogEntity, string>> key, bool descending) =>
        descending ? query.OrderByDescending(key).ThenByDescending(e => e.EntityRef) : query.OrderBy(key).ThenBy(e => e.EntityRef);

    /// <param name="index">Counts the column facets it covers from memory; null (or a stale index) leaves them to PostgreSQL.</param>
    public static async Task<IReadOnlyList<FacetValue>> FacetAsync(PortalDbContext db, string facet, IReadOnlyList<string> filters, string? fullText,
        CancellationToken cancellationToken, CatalogSearchIndex? index = null)
    {
        RefuseNul([facet, fullText, .. filters]);
        var f = facet.Trim();
        if (await FacetInMemoryAsync(index, db, f.ToLowerInvariant(), filters, fullText, cancellationToken) is { } counted)
        {
            return counted;
        }
        var query = Apply(db, db.CatalogEntities.AsNoTracking(), filters, fullText);
        if (f.Equals("metadata.tags", StringComparison.OrdinalIgnoreCase))
        {
            return await TagFacetAsync(db, query, cancellationToken);
        }
        // Columns keep the original spelling; other fields come from the lower-cased filter keys.
        IQueryable<string?> values = f.ToLowerInvariant() switch
        {
            "kind" => query.Select(e => (string?)e.Kind),
            "metadata.namespace" => query.Select(e => (string?)e.Namespace),
            "spec.type" => query.Select(e => e.Type),
            "spec.lifecycle" => query.Select(e => e.Lifecycle),
            // Backstage's owner picker asks for this facet: the owners as entity refs. ownedBy comes only from
            // spec.owner, so the owner column (the resolved ref) answers it without a scan of the filter keys
            // (at 100,000 entities: 77 ms instead of 340 ms for spec.owner).
            "relations.ownedby" => query.Select(e => e.Owner),
            _ => query.SelectMany(e => e.FilterKeys).Where(k => k.StartsWith(f.ToLowerInvariant() + "=")).Select(k => (string?)k.Substring(f.Length + 1)),
        };
        var counts = await values.Where(v => v != null).GroupBy(v => v!).Select(g => new { g.Key, Count = g.Count() })
            .OrderByDescending(x => x.Count).ThenBy(x => x.Key).ToListAsync(cancellationToken);
        return counts.Select(c => new FacetValue(c.Key, c.Count)).ToList();
    }

    /// <summary>The facets <see cref="CatalogSearchIndex"/> holds, as the columns spell the values (null: the tags).</summary>
    private static readonly Dictionary<string, CatalogSearchIndex.Column?> IndexedFacets = new(StringComparer.Ordinal)
    {
        ["kind"] = CatalogSearchIndex.Column.Kind,
        ["metadata.namespace"] = CatalogSearchIndex.Column.Namespace,
        ["spec.type"] = CatalogSearchIndex.Column.Type,
        ["spec.lifecycle"] = CatalogSearchIndex.Column.Lifecycle,
        ["relations.ownedby"] = CatalogSearchIndex.Column.Owner,
        ["metadata.tags"] = null,
    };

    private static async Task<IReadOnlyList<FacetValue>?> FacetInMemoryAsync(CatalogSearchIndex? index, PortalDbContext db, string facet,
        IReadOnlyList<string> filters, string? fullText, CancellationToken cancellationToken)
    {
        if (!IndexedFacets.TryGetValue(facet, out var column)
            || await SelectFromIndexAsync(index, db, filters, fullText, includeOrphans: true, cancellationToken) is not var (snapshot, bits))
        {
            return null;
        }
        return snapshot.Facet(bits, column);
    }

    /// <summary>The entity as the Backstage API returns it: the descriptor plus uid, etag and relations.</summary>
    public static JsonObject ToApiEntity(CatalogEntity entity, IEnumerable<(string Type, string TargetRef)> relations)
    {
        var json = JsonNode.Parse(entity.Document.RootElement.GetRawText())!.AsObject();
        if (json["metadata"] is JsonObject metadata)
        {
            metadata["uid"] = entity.Id.ToString();
            metadata["etag"] = entity.ContentHash ?? entity.UpdatedAt.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (entity.OrphanedAt is not null)
            {
                var annotations = metadata["annotations"] as JsonObject ?? new JsonObject();
                annotations["backstage.io/orphan"] = "true";
                metadata["annotations"] = annotations;
            }
        }
        json["relations"] = new JsonArray(relations.OrderBy(r => r.Type, StringComparer.Ordinal).ThenBy(r => r.TargetRef, StringComparer.Ordinal)
            .Select(r => (JsonNode)new JsonObject { ["type"] = r.Type, ["targetRef"] = r.TargetRef }).ToArray());
        return json;
    }

    /// <summary><c>fields=kind,metadata.name</c>: only those paths are returned.</summary>
    public static JsonObject Project(JsonObject entity, IReadOnlyList<string>? fields)
    {
        if (fields is null || fields.Count == 0)
        {
            return entity;
        }
        var result = new JsonObject();
        foreach (var path in fields.SelectMany(f => f.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            var parts = path.Split('.');
            JsonNode? source = entity;
            foreach (var p in parts)
            {
                source = source is JsonObject o && o.TryGetPropertyValue(p, out var child) ? child : null;
            }
            if (source is null)
            {
                continue;
            }
            var target = result;
            foreach (var p in parts[..^1])
            {
                if (target[p] is not JsonObject next)
                {
                    next = new JsonObject();
                    target[p] = next;
                }
                target = next;
            }
            target[parts[^1]] = source.DeepClone();
        }
        return result;
    }

    private static (string Field, bool Descending) ParseOrder(string? orderField)
    {
        if (string.IsNullOrWhiteSpace(orderField))
        {
            return ("metadata.name", false);
        }
        var parts = orderField.Split(',', StringSplitOptions.TrimEntries);
        var descending = parts.Length > 1 && parts[1].Equals("desc", StringComparison.OrdinalIgnoreCase);
        if (parts.Length > 1 && !descending && !parts[1].Equals("asc", StringComparison.OrdinalIgnoreCase))
        {
            throw new CatalogQueryException($"orderField '{orderField}': the order must be asc or desc.");
        }
        return (parts[0].ToLowerInvariant(), descending);
    }

    private sealed record SortField(Expression<Func<CatalogEntity, string>> Key, Func<CatalogEntity, string> Read);

    private static SortField Sort(Expression<Func<CatalogEntity, string>> key) => new(key, key.Compile());

    /// <summary>The orderable fields, each compiled once (the cursor reads the key of the page's last row).</summary>
    private static readonly Dictionary<string, SortField> SortFields = new(StringComparer.Ordinal)
    {
        ["metadata.name"] = Sort(e => e.Name),
        ["metadata.title"] = Sort(e => e.Title ?? ""),
        ["metadata.namespace"] = Sort(e => e.Namespace),
        ["kind"] = Sort(e => e.Kind),
        ["spec.type"] = Sort(e => e.Type ?? ""),
        ["spec.lifecycle"] = Sort(e => e.Lifecycle ?? ""),
        ["spec.owner"] = Sort(e => e.Owner ?? ""),
    };

    private static SortField SortOf(string field) => SortFields.TryGetValue(field, out var sort) ? sort
        : throw new CatalogQueryException($"Cannot order by '{field}'. Use metadata.name, metadata.title, metadata.namespace, kind, spec.type, spec.lifecycle or spec.owner.");

    /// <summary>
    /// <c>(key, entity_ref) &gt; (v, ref)</c> as a PostgreSQL row comparison (or &lt; when descending),
    /// which a btree on (kind, name, entity_ref) can start from, instead of an OR it cannot.
    /// </summary>
    private static Expression<Func<CatalogEntity, bool>> After(Expression<Func<CatalogEntity, string>> key, string value, string entityRef, bool descending)
    {
        var e = key.Parameters[0];
        var tupleConstructor = typeof(ValueTuple<string, string>).GetConstructor([typeof(string), typeof(string)])!;
        var left = Expression.Convert(Expression.New(tupleConstructor, key.Body, Expression.Property(e, nameof(CatalogEntity.EntityRef))),
            typeof(System.Runtime.CompilerServices.ITuple));
        var right = Expression.Convert(Expression.New(tupleConstructor, Expression.Constant(value), Expression.Constant(entityRef)),
            typeof(System.Runtime.CompilerServices.ITuple));
        var compare = typeof(NpgsqlDbFunctionsExtensions).GetMethod(descending ? nameof(NpgsqlDbFunctionsExtensions.LessThan) : nameof(NpgsqlDbFunctionsExtensions.GreaterThan),
            [typeof(DbFunctions), typeof(System.Runtime.CompilerServices.ITuple), typeof(System.Runtime.CompilerServices.ITuple)])!;
        var body = Expression.Call(compare, Expression.Constant(EF.Functions), left, right);
        return Expression.Lambda<Func<CatalogEntity, bool>>(body, e);
    }

    private static Expression<Func<T, bool>> And<T>(Expression<Func<T, bool>> a, Expression<Func<T, bool>> b) => Combine(a, b, Expression.AndAlso);

    private static Expression<Func<T, bool>> Or<T>(Expression<Func<T, bool>> a, Expression<Func<T, bool>> b) => Combine(a, b, Expression.OrElse);

    private static Expression<Func<T, bool>> Combine<T>(Expression<Func<T, bool>> a, Expression<Func<T, bool>> b, Func<Expression, Expression, BinaryExpression> op)
    {
        var p = a.Parameters[0];
        var right = new Rebind(b.Parameters[0], p).Visit(b.Body);
        return Expression.Lambda<Func<T, bool>>(op(a.Body, right), p);
    }

    private sealed class Rebind(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : base.VisitParameter(node);
    }

    /// <summary>
    /// A position in one query. Like Backstage's, the cursor carries the query itself (filters, full text, order),
    /// because Backstage's client sends only <c>cursor</c>, <c>limit</c> and <c>fields</c> for the next pages;
    /// a request with a cursor is answered with the cursor's query.
    /// </summary>
    private sealed record Cursor(string Value, string Ref, bool Before, string[] Filters, string? FullText, string[] FullTextFields, string? OrderField)
    {
        public static string Encode(Cursor c) => Convert.ToBase64String(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(c)))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

        public static Cursor? Decode(string? text)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                return null;
            }
            try
            {
                var padded = text.Replace('-', '+').Replace('_', '/');
                padded += new string('=', (4 - padded.Length % 4) % 4);
                var cursor = JsonSerializer.Deserialize<Cursor>(Encoding.UTF8.GetString(Convert.FromBase64String(padded)));
                return cursor is { Value: not null, Ref: not null, Filters: not null, FullTextFields: not null } ? cursor : throw new FormatException();
            }
            catch (Exception ex) when (ex is FormatException or JsonException or ArgumentException)
            {
                throw new CatalogQueryException("The cursor is not valid; start again without one.");
            }
        }
    }
}
