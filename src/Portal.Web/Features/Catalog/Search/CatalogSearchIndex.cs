using System.Data;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;
using Portal.Web.Data;

namespace Portal.Web.Features.Catalog.Search;

/// <summary>
/// The searchable columns of every catalog entity, held in memory so full-text, typo and facet queries cost
/// set arithmetic instead of a heap visit per match. PostgreSQL stays the source of truth:
/// <list type="bullet">
/// <item>Every statement that changes <c>catalog_entities</c> records its transaction in <c>catalog_changes</c>
/// (a trigger) with a random fingerprint, so (sum of weights, XOR of fingerprints) is a version that changes with
/// each committed change, and does not come back after a restore to an earlier state and new changes.</item>
/// <item>Each query first reads that version, in the same round trip as PostgreSQL's own parse of the search term
/// (<c>websearch_to_tsquery</c>, <c>show_trgm</c>). It is answered here only when the snapshot has exactly that
/// version, which was read in the snapshot's own REPEATABLE READ transaction; otherwise PostgreSQL answers it and
/// a rebuild starts in the background.</item>
/// <item>Lexemes with positions and trigrams come from PostgreSQL, so what matches is what the SQL path matches
/// (tests compare the two), and order is the C.UTF-8 collation's code point order. On a database with another
/// collation the index stays off.</item>
/// </list>
/// Only what the SQL path answers with plain columns is served here (no filter, or filters on kind, spec.type,
/// spec.lifecycle and relations.ownedBy); everything else goes to PostgreSQL as before.
/// </summary>
public sealed class CatalogSearchIndex(Func<PortalDbContext> createContext, ILogger<CatalogSearchIndex>? logger = null, int maxEntities = 1_000_000)
{
    /// <summary>Rows in catalog_changes above which a build folds them into one (the version sum stays the same).</summary>
    private const int FoldAbove = 1_000;

    private readonly Lock _gate = new();
    private volatile Snapshot? _snapshot;
    private Task? _building;
    private long _nextBuildAfter;

    /// <summary>The version of the current snapshot, or null before the first build.</summary>
    public CatalogVersion? Version => _snapshot?.Version;

    /// <summary>Set once a build found a collation whose order the index cannot reproduce: queries then skip the index.</summary>
    private volatile bool _off;

    /// <summary>The catalog's version: committed changes counted (weights) and fingerprinted (XOR of random ids).</summary>
    public readonly record struct CatalogVersion(long Changes, long Fingerprint);

    private const string VersionColumns = "coalesce(sum(weight), 0)::bigint, coalesce(bit_xor(fingerprint), 0)::bigint";

    private long _answered;

    /// <summary>Queries answered from memory since start (the rest went to PostgreSQL).</summary>
    public long AnsweredFromMemory => Interlocked.Read(ref _answered);

    /// <summary>Entities in the current snapshot.</summary>
    public int Count => _snapshot?.Count ?? 0;

    /// <summary>
    /// Brings the snapshot up to the database's version now, and says whether the index can serve queries
    /// (false on a database whose collation is not code point order). For start-up and benchmarks; queries
    /// never wait for a build.
    /// </summary>
    public async Task<bool> EnsureCurrentAsync(CancellationToken cancellationToken)
    {
        await using var db = createContext();
        // A change committed during a build leaves it behind: build again (a few times at most).
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var version = await ReadVersionAsync(db, cancellationToken);
            if (_snapshot is { } current && current.Version == version)
            {
                return current.Usable;
            }
            Task build;
            lock (_gate)
            {
                _building ??= Task.Run(() => BuildAsync(CancellationToken.None), CancellationToken.None);
                build = _building;
            }
            await build.WaitAsync(cancellationToken);
        }
        return _snapshot?.Usable == true;
    }

    private static async Task<CatalogVersion> ReadVersionAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand($"SELECT {VersionColumns} FROM catalog_changes", connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            return new CatalogVersion(reader.GetInt64(0), reader.GetInt64(1));
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// A snapshot at the database's current version with <paramref name="term"/> parsed by PostgreSQL, or null
    /// (the caller asks PostgreSQL). Starts a background rebuild when the snapshot is behind.
    /// </summary>
    internal async Task<Probe?> ProbeAsync(PortalDbContext db, string? term, CancellationToken cancellationToken)
    {
        if (_off)
        {
            return null;
        }
        // Terms pg_trgm would turn into hashed multi-byte trigrams, and ILIKE's locale-dependent case folding
        // outside ASCII, stay with PostgreSQL.
        if (term is not null && !System.Text.Ascii.IsValid(term))
        {
            return null;
        }
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var opened = connection.State != ConnectionState.Open;
        if (opened)
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
        }
        try
        {
            await using var command = connection.CreateCommand();
            command.Transaction = (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction();
            // The threshold as pg_trgm compares it (a double); show_limit() returns it rounded to float4, which only
            // stands in when the setting has no value yet in this session (then it is the default 0.3).
            command.CommandText = term is null
                ? $"SELECT {VersionColumns} FROM catalog_changes"
                : $"""
                  SELECT v.*, websearch_to_tsquery('simple', @term)::text, show_trgm(@term),
                         coalesce(current_setting('pg_trgm.similarity_threshold', true)::float8, show_limit()::float8)
                  FROM (SELECT {VersionColumns} FROM catalog_changes) AS v
                  """;
            if (term is not null)
            {
                command.Parameters.AddWithValue("term", term);
            }
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            var version = new CatalogVersion(reader.GetInt64(0), reader.GetInt64(1));
            var snapshot = _snapshot;
            if (snapshot is null || snapshot.Version != version)
            {
                ScheduleBuild();
                return null;
            }
            if (!snapshot.Usable)
            {
                return null;
            }
            if (term is null)
            {
                Interlocked.Increment(ref _answered);
                return new Probe(snapshot, null);
            }
            if (!CatalogTextMatch.TryParseTsQuery(reader.GetString(2), out var query))
            {
                return null;
            }
            var threshold = reader.GetDouble(4);
            if (threshold <= 0)
            {
                // Every name would be "similar"; not worth a special case.
                return null;
            }
            Interlocked.Increment(ref _answered);
            return new Probe(snapshot, new TextQuery(term, query, reader.GetFieldValue<string[]>(3), threshold));
        }
        finally
        {
            if (opened)
            {
                await db.Database.CloseConnectionAsync();
            }
        }
    }

    /// <summary>Starts a build in the background unless one runs or the last one ended too recently.</summary>
    public void ScheduleBuild()
    {
        lock (_gate)
        {
            if (_building is not null || Stopwatch.GetTimestamp() < Interlocked.Read(ref _nextBuildAfter))
            {
                return;
            }
            _building = Task.Run(() => BuildAsync(CancellationToken.None));
        }
    }

    private async Task BuildAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await using var db = createContext();
            await FoldChangesAsync(db, cancellationToken);
            await using var transaction = await db.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            CatalogVersion version;
            bool usable;
            bool codePointOrder;
            long entities;
            await using (var head = new NpgsqlCommand(
                $"SELECT v.*, " +
                // libc's C collations sort by code point; ICU (datlocprovider 'i') does not, whatever datcollate says.
                "(SELECT datlocprovider = 'c' AND datcollate IN ('C', 'POSIX', 'C.UTF-8', 'C.utf8') FROM pg_database WHERE datname = current_database()), " +
                $"(SELECT count(*) FROM catalog_entities) FROM (SELECT {VersionColumns} FROM catalog_changes) AS v",
                connection, (NpgsqlTransaction)transaction.GetDbTransaction()))
            await using (var reader = await head.ExecuteReaderAsync(cancellationToken))
            {
                await reader.ReadAsync(cancellationToken);
                version = new CatalogVersion(reader.GetInt64(0), reader.GetInt64(1));
                codePointOrder = reader.GetBoolean(2);
                entities = reader.GetInt64(3);
            }
            // Off for this version (the next change builds again): too many entities for memory, or an order
            // the index cannot reproduce.
            usable = codePointOrder && entities <= maxEntities;
            var builder = new SnapshotBuilder(version, usable);
            if (usable)
            {
                await using var rows = new NpgsqlCommand("""
                    SELECT id, entity_ref, kind, namespace, name, coalesce(title, ''), type, lower(type), lifecycle, lower(lifecycle), owner,
                           orphaned_at IS NOT NULL, tags, search_vector, show_trgm(name)
                    FROM catalog_entities
                    """, connection, (NpgsqlTransaction)transaction.GetDbTransaction());
                await using var reader = await rows.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    builder.Add(reader);
                }
            }
            await transaction.CommitAsync(cancellationToken);
            var snapshot = builder.Build();
            // The default order (by name) is sorted here, in the background, rather than by the first query.
            snapshot.Order("metadata.name");
            // One build runs at a time, so the newest build is the database's latest state (even if an earlier
            // one had a version that looks larger, e.g. before a restore).
            _snapshot = snapshot;
            _off = !codePointOrder;
            var elapsed = Stopwatch.GetElapsedTime(started);
            logger?.LogInformation("Catalog search index built: {Entities} entities at version {Version} in {Milliseconds} ms",
                snapshot.Count, version, (long)elapsed.TotalMilliseconds);
            if (!codePointOrder)
            {
                logger?.LogInformation("Catalog search index off: the database's collation is not code point order, so PostgreSQL answers every search");
            }
            else if (!usable)
            {
                logger?.LogInformation("Catalog search index off: {Entities} entities is more than Portal:Catalog:SearchIndexMaxEntities ({Max}), so PostgreSQL answers every search",
                    entities, maxEntities);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger?.LogWarning(ex, "Catalog search index build failed; PostgreSQL answers searches until the next build");
        }
        finally
        {
            // Builds at most a fifth of the time while the catalog keeps changing (a large refresh commits in steps).
            var elapsed = Stopwatch.GetTimestamp() - started;
            Interlocked.Exchange(ref _nextBuildAfter, Stopwatch.GetTimestamp() + 4 * elapsed);
            lock (_gate)
            {
                _building = null;
            }
        }
    }

    /// <summary>Replaces many change rows with one of the same total weight and fingerprint, in one transaction, so the version does not move.</summary>
    private static async Task FoldChangesAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        var rows = await db.Database.SqlQueryRaw<long>("SELECT count(*)::bigint AS \"Value\" FROM catalog_changes").SingleAsync(cancellationToken);
        if (rows <= FoldAbove)
        {
            return;
        }
        await db.Database.ExecuteSqlRawAsync("""
            WITH gone AS (DELETE FROM catalog_changes RETURNING weight, fingerprint)
            INSERT INTO catalog_changes (transaction_id, weight, fingerprint)
            SELECT pg_current_xact_id(), sum(weight), bit_xor(fingerprint) FROM gone HAVING count(*) > 0
            """, cancellationToken);
    }

    internal sealed record Probe(Snapshot Snapshot, TextQuery? Text);

    internal sealed record TextQuery(string Term, CatalogTextMatch.TsNode? TsQuery, string[] Trigrams, double SimilarityThreshold);

    /// <summary>
    /// The in-memory filter for a query's filters (null for none), when every condition is one the SQL path answers
    /// from a plain column; false otherwise. Mirrors <see cref="CatalogSearch"/>'s column predicates exactly:
    /// groups are OR, conditions within a group AND, values of one key a choice.
    /// </summary>
    internal static bool TryFilter(IReadOnlyList<string> filters, out ColumnFilter? filter)
    {
        filter = null;
        var groups = new List<ColumnCondition[]>();
        foreach (var text in filters.Where(f => !string.IsNullOrWhiteSpace(f)))
        {
            var group = new List<ColumnCondition>();
            foreach (var (_, key, values) in CatalogFilter.Conditions(text))
            {
                if (values is null)
                {
                    return false;
                }
                ColumnCondition? condition = key switch
                {
                    "kind" when values.All(CatalogEntityMapper.IsKnownKind) =>
                        new(Column.Kind, values.Select(CatalogEntityMapper.CanonicalKind).ToHashSet(StringComparer.Ordinal)),
                    "spec.type" => new(Column.TypeLower, Lowered(values)),
                    "spec.lifecycle" => new(Column.LifecycleLower, Lowered(values)),
                    "relations.ownedby" => new(Column.Owner, Lowered(values)),
                    _ => null,
                };
                if (condition is null)
                {
                    return false;
                }
                group.Add(condition);
            }
            groups.Add([.. group]);
        }
        // No filter at all: every entity (null skips the per-entity check).
        filter = groups.Count == 0 ? null : new ColumnFilter([.. groups]);
        return true;
    }

    private static HashSet<string> Lowered(string[] values) => values.Select(v => v.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);

    /// <summary>The columns held as ids into <see cref="Snapshot.Strings"/>, for filters and facets.</summary>
    internal enum Column
    {
        Kind,
        Namespace,
        Type,
        TypeLower,
        Lifecycle,
        LifecycleLower,
        Owner,
    }

    internal sealed record ColumnCondition(Column Column, HashSet<string> Values);

    internal sealed class ColumnFilter(ColumnCondition[][] groups)
    {
        /// <summary>
        /// Per group and condition, which string ids pass, so the per-entity check is array lookups (no string
        /// hashing across 100,000 entities).
        /// </summary>
        public Func<int, bool> Bind(Snapshot s)
        {
            var bound = groups.Select(g => g.Select(c =>
            {
                var accepted = new bool[s.Strings.Length];
                foreach (var value in c.Values)
                {
                    if (s.StringIds.TryGetValue(value, out var id))
                    {
                        accepted[id] = true;
                    }
                }
                return (Ids: s.ColumnIds(c.Column), Accepted: accepted);
            }).ToArray()).ToArray();
            return i =>
            {
                foreach (var group in bound)
                {
                    var all = true;
                    foreach (var (ids, accepted) in group)
                    {
                        var id = ids[i];
                        if (id < 0 || !accepted[id])
                        {
                            all = false;
                            break;
                        }
                    }
                    if (all)
                    {
                        return true;
                    }
                }
                return false;
            };
        }
    }

    /// <summary>An immutable view of every entity's searchable columns at one catalog version.</summary>
    internal sealed class Snapshot : CatalogTextMatch.ILexemeSource
    {
        public required CatalogVersion Version { get; init; }
        public required bool Usable { get; init; }
        public required Guid[] Ids { get; init; }
        public required string[] Refs { get; init; }
        public required string[] Names { get; init; }
        public required string[] Titles { get; init; }
        /// <summary>Each distinct kind, namespace, type, lifecycle, owner and tag once; the columns below are ids into it (-1 for null).</summary>
        public required string[] Strings { get; init; }
        public required Dictionary<string, int> StringIds { get; init; }
        public required int[][] Columns { get; init; }
        public required bool[] Orphaned { get; init; }
        public required int[][] Tags { get; init; }

        public int[] ColumnIds(Column column) => Columns[(int)column];

        private string? Text(Column column, int i) => Columns[(int)column][i] is var id and >= 0 ? Strings[id] : null;
        public required Dictionary<string, int[]> LexemePostings { get; init; }
        public required Dictionary<string, int> LexemeIds { get; init; }
        /// <summary>Per document, tokens [DocumentStart[d], DocumentStart[d + 1]): lexeme id and position, sorted by both.</summary>
        public required int[] DocumentStart { get; init; }
        public required int[] TokenLexemes { get; init; }
        public required ushort[] TokenPositions { get; init; }
        public required Dictionary<string, int[]> TrigramPostings { get; init; }
        public required int[] NameTrigramCounts { get; init; }

        private readonly Dictionary<string, Lazy<int[]>> _orders = new(StringComparer.Ordinal);

        public int Count => Ids.Length;

        public ReadOnlySpan<int> Postings(string lexeme) => LexemePostings.TryGetValue(lexeme, out var p) ? p : [];

        public ReadOnlySpan<ushort> Positions(int document, string lexeme)
        {
            if (!LexemeIds.TryGetValue(lexeme, out var id))
            {
                return [];
            }
            int start = DocumentStart[document], end = DocumentStart[document + 1];
            while (start < end && TokenLexemes[start] != id)
            {
                start++;
            }
            var stop = start;
            while (stop < end && TokenLexemes[stop] == id)
            {
                stop++;
            }
            return TokenPositions.AsSpan(start, stop - start);
        }

        /// <summary>The sort key the SQL path orders by for <paramref name="field"/> (see CatalogSearch's sort fields).</summary>
        public string SortKey(string field, int i) => field switch
        {
            "metadata.name" => Names[i],
            "metadata.title" => Titles[i],
            "metadata.namespace" => Text(Column.Namespace, i)!,
            "kind" => Text(Column.Kind, i)!,
            "spec.type" => Text(Column.Type, i) ?? "",
            "spec.lifecycle" => Text(Column.Lifecycle, i) ?? "",
            "spec.owner" => Text(Column.Owner, i) ?? "",
            _ => throw new ArgumentOutOfRangeException(nameof(field)),
        };

        /// <summary>Every document ascending by (sort key, entity ref), built on first use per field.</summary>
        public int[] Order(string field)
        {
            Lazy<int[]> lazy;
            lock (_orders)
            {
                if (!_orders.TryGetValue(field, out lazy!))
                {
                    lazy = new Lazy<int[]>(() =>
                    {
                        var order = Enumerable.Range(0, Count).ToArray();
                        Array.Sort(order, (a, b) => CompareAt(field, a, SortKey(field, b), Refs[b]));
                        return order;
                    });
                    _orders[field] = lazy;
                }
            }
            return lazy.Value;
        }

        /// <summary>(key, ref) of document <paramref name="i"/> against (key, ref), as PostgreSQL's row comparison under C.UTF-8.</summary>
        public int CompareAt(string field, int i, string key, string entityRef)
        {
            var c = CatalogTextMatch.CompareCodePoints(SortKey(field, i), key);
            return c != 0 ? c : CatalogTextMatch.CompareCodePoints(Refs[i], entityRef);
        }

        /// <summary>Documents matching the term as the SQL path does: tsquery, or name % term, or name ILIKE 'term%'.</summary>
        public ulong[] Match(TextQuery text)
        {
            var bits = CatalogTextMatch.Evaluate(text.TsQuery, this);
            // Shared trigram counts per name; pooled, as a fresh 200 kB array per query would land on the large object heap.
            var shared = System.Buffers.ArrayPool<ushort>.Shared.Rent(Count);
            try
            {
                Array.Clear(shared, 0, Count);
                foreach (var trigram in text.Trigrams)
                {
                    if (TrigramPostings.TryGetValue(trigram, out var postings))
                    {
                        foreach (var d in postings)
                        {
                            shared[d]++;
                        }
                    }
                }
                for (var d = 0; d < Count; d++)
                {
                    if ((shared[d] > 0 && CatalogTextMatch.Similar(shared[d], NameTrigramCounts[d], text.Trigrams.Length, text.SimilarityThreshold))
                        || Names[d].StartsWith(text.Term, StringComparison.OrdinalIgnoreCase))
                    {
                        bits[d >> 6] |= 1UL << (d & 63);
                    }
                }
            }
            finally
            {
                System.Buffers.ArrayPool<ushort>.Shared.Return(shared);
            }
            return bits;
        }

        /// <summary>
        /// The ids of the members of <paramref name="bits"/> in (sort key, entity ref) order, walking from just past
        /// <paramref name="after"/> (a cursor: the last row seen), skipping <paramref name="skip"/>, taking
        /// <paramref name="take"/>.
        /// </summary>
        public List<Guid> Page(ulong[] bits, string field, bool descending, (string Key, string Ref)? after, int skip, int take)
        {
            var order = Order(field);
            // The first position past the cursor in the walking direction (binary search over the sorted order).
            int low = 0, high = order.Length;
            while (low < high)
            {
                var mid = (low + high) >>> 1;
                var c = after is not { } a ? (descending ? -1 : 1) : CompareAt(field, order[mid], a.Key, a.Ref);
                if (descending ? c < 0 : c <= 0)
                {
                    low = mid + 1;
                }
                else
                {
                    high = mid;
                }
            }
            var ids = new List<Guid>(Math.Min(take, 1_000));
            var step = descending ? -1 : 1;
            for (var p = descending ? low - 1 : low; p >= 0 && p < order.Length && ids.Count < take; p += step)
            {
                if (CatalogTextMatch.IsSet(bits, order[p]) && skip-- <= 0)
                {
                    ids.Add(Ids[order[p]]);
                }
            }
            return ids;
        }

        /// <summary>
        /// Counts of each value of <paramref name="column"/> (or of the tags, when null) over <paramref name="bits"/>,
        /// ordered as the SQL orders them: count descending, then value in code point order.
        /// </summary>
        public List<FacetValue> Facet(ulong[] bits, Column? column)
        {
            var counts = new int[Strings.Length];
            var ids = column is { } c ? Columns[(int)c] : null;
            foreach (var d in CatalogTextMatch.Members(bits))
            {
                if (ids is null)
                {
                    foreach (var tag in Tags[d])
                    {
                        counts[tag]++;
                    }
                }
                else if (ids[d] >= 0)
                {
                    counts[ids[d]]++;
                }
            }
            var values = new List<FacetValue>();
            for (var id = 0; id < counts.Length; id++)
            {
                if (counts[id] > 0)
                {
                    values.Add(new FacetValue(Strings[id], counts[id]));
                }
            }
            values.Sort((a, b) => a.Count != b.Count ? b.Count.CompareTo(a.Count) : CatalogTextMatch.CompareCodePoints(a.Value, b.Value));
            return values;
        }

        /// <summary>Every document, or those matching <paramref name="text"/>; then the filter and orphan rule.</summary>
        public ulong[] Select(TextQuery? text, ColumnFilter? filter, bool includeOrphans)
        {
            ulong[] bits;
            if (text is null)
            {
                bits = new ulong[(Count + 63) / 64];
                Array.Fill(bits, ulong.MaxValue);
                CatalogTextMatch.ClearTail(bits, Count);
            }
            else
            {
                bits = Match(text);
            }
            if (filter is null && includeOrphans)
            {
                return bits;
            }
            var matches = filter?.Bind(this);
            for (var w = 0; w < bits.Length; w++)
            {
                var word = bits[w];
                while (word != 0)
                {
                    var bit = word & (~word + 1);
                    word ^= bit;
                    var d = (w << 6) + System.Numerics.BitOperations.TrailingZeroCount(bit);
                    if ((!includeOrphans && Orphaned[d]) || (matches is not null && !matches(d)))
                    {
                        bits[w] &= ~bit;
                    }
                }
            }
            return bits;
        }
    }

    /// <summary>Collects rows into column arrays and posting lists.</summary>
    private sealed class SnapshotBuilder(CatalogVersion version, bool usable)
    {
        private readonly List<Guid> _ids = [];
        private readonly List<string> _refs = [], _names = [], _titles = [];
        private readonly List<int>[] _columns = Enum.GetValues<Column>().Select(_ => new List<int>()).ToArray();
        private readonly List<bool> _orphaned = [];
        private readonly List<int[]> _tags = [];
        private readonly Dictionary<string, int> _lexemeIds = new(StringComparer.Ordinal);
        private readonly List<List<int>> _lexemePostings = [];
        private readonly List<int> _documentStart = [0];
        private readonly List<int> _tokenLexemes = [];
        private readonly List<ushort> _tokenPositions = [];
        private readonly Dictionary<string, List<int>> _trigramPostings = new(StringComparer.Ordinal);
        private readonly List<int> _nameTrigramCounts = [];
        // Few distinct values repeat across 100,000 rows (kinds, types, owners, tags): one id each.
        private readonly Dictionary<string, int> _stringIds = new(StringComparer.Ordinal);
        private readonly List<string> _strings = [];

        private int Intern(string value)
        {
            if (!_stringIds.TryGetValue(value, out var id))
            {
                id = _stringIds[value] = _strings.Count;
                _strings.Add(value);
            }
            return id;
        }

        private void AddColumn(Column column, NpgsqlDataReader reader, int ordinal) =>
            _columns[(int)column].Add(reader.IsDBNull(ordinal) ? -1 : Intern(reader.GetString(ordinal)));

        public void Add(NpgsqlDataReader reader)
        {
            var document = _ids.Count;
            _ids.Add(reader.GetGuid(0));
            _refs.Add(reader.GetString(1));
            AddColumn(Column.Kind, reader, 2);
            AddColumn(Column.Namespace, reader, 3);
            _names.Add(reader.GetString(4));
            _titles.Add(reader.GetString(5));
            AddColumn(Column.Type, reader, 6);
            AddColumn(Column.TypeLower, reader, 7);
            AddColumn(Column.Lifecycle, reader, 8);
            AddColumn(Column.LifecycleLower, reader, 9);
            AddColumn(Column.Owner, reader, 10);
            _orphaned.Add(reader.GetBoolean(11));
            _tags.Add(reader.GetFieldValue<string[]>(12).Select(Intern).ToArray());

            var tokens = new List<(int Lexeme, ushort Position)>();
            foreach (var lexeme in reader.GetFieldValue<NpgsqlTsVector>(13))
            {
                if (!_lexemeIds.TryGetValue(lexeme.Text, out var id))
                {
                    id = _lexemeIds[lexeme.Text] = _lexemePostings.Count;
                    _lexemePostings.Add([]);
                }
                _lexemePostings[id].Add(document);
                for (var p = 0; p < lexeme.Count; p++)
                {
                    tokens.Add((id, (ushort)lexeme[p].Pos));
                }
            }
            tokens.Sort();
            foreach (var (lexemeId, position) in tokens)
            {
                _tokenLexemes.Add(lexemeId);
                _tokenPositions.Add(position);
            }
            _documentStart.Add(_tokenLexemes.Count);

            var trigrams = reader.GetFieldValue<string[]>(14);
            foreach (var trigram in trigrams)
            {
                if (!_trigramPostings.TryGetValue(trigram, out var postings))
                {
                    _trigramPostings[trigram] = postings = [];
                }
                postings.Add(document);
            }
            _nameTrigramCounts.Add(trigrams.Length);
        }

        public Snapshot Build() => new()
        {
            Version = version,
            Usable = usable,
            Ids = [.. _ids],
            Refs = [.. _refs],
            Names = [.. _names],
            Titles = [.. _titles],
            Strings = [.. _strings],
            StringIds = _stringIds,
            Columns = _columns.Select(c => c.ToArray()).ToArray(),
            Orphaned = [.. _orphaned],
            Tags = [.. _tags],
            LexemeIds = _lexemeIds,
            LexemePostings = _lexemeIds.ToDictionary(p => p.Key, p => _lexemePostings[p.Value].ToArray(), StringComparer.Ordinal),
            DocumentStart = [.. _documentStart],
            TokenLexemes = [.. _tokenLexemes],
            TokenPositions = [.. _tokenPositions],
            TrigramPostings = _trigramPostings.ToDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal),
            NameTrigramCounts = [.. _nameTrigramCounts],
        };
    }
}
