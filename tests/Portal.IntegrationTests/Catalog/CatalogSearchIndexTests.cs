using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.TestSupport;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Catalog.Ingestion;
using Portal.Web.Features.Catalog.Search;

namespace Portal.IntegrationTests.Catalog;

/// <summary>
/// The in-memory search index must give exactly PostgreSQL's answers (totals, every page through cursors, facet
/// counts) for every query it takes, never answer from a snapshot older than the database, and leave to
/// PostgreSQL what it does not cover. Real PostgreSQL on both sides: the same query runs with and without the index.
/// </summary>
public sealed class CatalogSearchIndexTests : IAsyncLifetime, IDisposable
{
    private readonly CatalogFolder _files = new();
    private readonly DbContextOptions<PortalDbContext> _options = new DbContextOptionsBuilder<PortalDbContext>()
        .UseNpgsql(TestCluster.CreateDatabase("search")).UseSnakeCaseNamingConvention().Options;
    private CatalogSearchIndex _index = null!;

    private static readonly string[] Words =
        ["payment", "ledger", "api", "risk", "tax", "refund", "report", "billing", "o'brien", "größe", "stream", "audit"];

    public async Task InitializeAsync()
    {
        await using (var db = Db())
        {
            await db.Database.MigrateAsync();
        }
        var file = _files.Write("catalog.yaml", GenerateCatalog());
        var options = new CatalogOptions();
        var location = new CatalogLocation { Type = "file", Target = file, CreatedAt = DateTimeOffset.UtcNow, CreatedBy = "test", RegistrantIsAdmin = true, TrustedForIdentity = true };
        await using (var db = Db())
        {
            db.CatalogLocations.Add(location);
            await db.SaveChangesAsync();
            await CatalogIngestion.RefreshAsync(db, new LocationReader(options, null), location.Id, options, TimeProvider.System, CancellationToken.None);
            // Some orphans, which queries include unless told otherwise.
            await db.Database.ExecuteSqlRawAsync("UPDATE catalog_entities SET orphaned_at = now() WHERE name LIKE '%7'");
        }
        _index = new CatalogSearchIndex(Db);
        Assert.True(await _index.EnsureCurrentAsync(CancellationToken.None));
        Assert.True(_index.Count > 300, $"{_index.Count} entities");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _files.Dispose();

    private PortalDbContext Db() => new(_options);

    /// <summary>
    /// 360 components, APIs and systems with names in several shapes, titles with accents, CJK and an emoji
    /// (code point order differs from UTF-16 order there), descriptions that repeat phrases, types and
    /// lifecycles in mixed case, five owners and tags. JSON documents are YAML documents.
    /// </summary>
    private static string GenerateCatalog()
    {
        var random = new Random(42);
        // Titles that start with U+1F600, U+FF21 and U+E000 order differently by code point than by UTF-16 unit.
        string[] titles = ["", "Größe Ledger", "日本語 billing", "\U0001F600 payments", "\uFF21 tax", "Zahlung", "payment ledger", "ÅR report", "\uE000 private"];
        string[] types = ["service", "Service", "website", "library"];
        string[] lifecycles = ["production", "Production", "experimental"];
        string[] tags = ["java", "dotnet", "go", "python", "grpc"];
        var documents = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            documents.Add(JsonSerializer.Serialize(new { apiVersion = "backstage.io/v1alpha1", kind = "Group", metadata = new { name = $"team-{i}" },
                spec = new { type = "team", children = Array.Empty<string>() } }));
        }
        for (var i = 0; i < 360; i++)
        {
            var kind = i % 12 == 0 ? "API" : i % 31 == 0 ? "System" : "Component";
            var name = (i % 5) switch
            {
                0 => $"{Words[i % 7]}-{Words[(i / 7) % 7]}-{i:000}",
                1 => $"{Words[i % 7]}{i}",
                2 => $"{Words[(i + 3) % 7].ToUpperInvariant()}.Svc_{i}",
                3 => $"billing-ledger-{i:00000}",
                _ => $"x{i}",
            };
            var description = string.Join(' ', Enumerable.Range(0, random.Next(3, 9)).Select(_ => Words[random.Next(Words.Length)]));
            var metadata = new JsonObject
            {
                ["name"] = name,
                ["description"] = description,
                ["tags"] = new JsonArray(tags.Where(_ => random.Next(3) == 0).Select(t => (JsonNode)t).ToArray()),
            };
            if (titles[i % titles.Length] is { Length: > 0 } title)
            {
                metadata["title"] = title;
            }
            JsonObject spec = kind switch
            {
                "API" => new JsonObject { ["type"] = "openapi", ["lifecycle"] = lifecycles[i % 3], ["owner"] = $"team-{i % 5}", ["definition"] = "openapi: 3.0.0" },
                "System" => new JsonObject { ["owner"] = $"team-{i % 5}" },
                _ => new JsonObject { ["type"] = types[i % types.Length], ["lifecycle"] = lifecycles[i % 3], ["owner"] = $"team-{i % 5}" },
            };
            documents.Add(new JsonObject { ["apiVersion"] = "backstage.io/v1alpha1", ["kind"] = kind, ["metadata"] = metadata, ["spec"] = spec }.ToJsonString());
        }
        return string.Join("\n---\n", documents) + "\n";
    }

    /// <summary>Null: a plain list, which the index also answers when its filters are covered.</summary>
    private static readonly string?[] Terms =
    [
        null, "payment", "Ledger api", "\"payment ledger\"", "payment -risk", "tax or refund", "paymnt", "biling-ledger-00003",
        "BILLING", "led", "o'brien", "x1", "report.svc", "%_", "nothing-matches-this",
    ];

    private static readonly string[][] Filters =
    [
        [], ["kind=component"], ["kind=component,spec.type=service"], ["spec.lifecycle=production", "relations.ownedby=group:default/team-1"],
        ["kind=component,kind=api"], ["kind=API,spec.lifecycle=EXPERIMENTAL"],
    ];

    [Fact]
    public async Task Every_page_and_total_of_a_covered_query_equals_PostgreSQLs()
    {
        var before = _index.AnsweredFromMemory;
        var compared = 0;
        foreach (var term in Terms)
        {
            foreach (var filters in Filters)
            {
                await CompareAllPagesAsync(new CatalogQuery(filters, term, "metadata.name", Limit: 9));
                compared++;
            }
            foreach (var order in new[] { "metadata.title,desc", "spec.owner,asc", "kind,desc", "spec.type,asc" })
            {
                await CompareAllPagesAsync(new CatalogQuery(Filters[1], term, order, Limit: 13, IncludeOrphans: false));
                compared++;
            }
        }
        // Every one of those was answered from memory (at least one call per page walk), not handed back to PostgreSQL.
        Assert.True(_index.AnsweredFromMemory - before >= compared, $"{_index.AnsweredFromMemory - before} answered from memory for {compared} queries");
    }

    [Fact]
    public async Task Facet_counts_of_covered_queries_equal_PostgreSQLs()
    {
        var before = _index.AnsweredFromMemory;
        var compared = 0;
        foreach (var facet in new[] { "kind", "spec.type", "spec.lifecycle", "relations.ownedBy", "metadata.tags", "metadata.namespace" })
        {
            foreach (var filters in Filters)
            {
                foreach (var term in new[] { null, "payment", "paymnt", "\"payment ledger\"" })
                {
                    await using var db = Db();
                    var expected = await CatalogSearch.FacetAsync(db, facet, filters, term, CancellationToken.None);
                    var actual = await CatalogSearch.FacetAsync(db, facet, filters, term, CancellationToken.None, _index);
                    Assert.Equal(Describe(expected), Describe(actual));
                    compared++;
                }
            }
        }
        Assert.Equal(compared, _index.AnsweredFromMemory - before);
    }

    [Fact]
    public async Task Offset_pages_for_the_catalog_grid_equal_PostgreSQLs()
    {
        await using var db = Db();
        foreach (var (filter, term, order) in new[]
        {
            ("", (string?)null, "metadata.name"), ("kind=component", "payment", "metadata.title,desc"), ("kind=api", null, "spec.owner"),
            ("spec.type=service", "paymnt", "metadata.name,desc"), ("", "ledger api", "kind"),
        })
        {
            for (var offset = 0; offset < 400; offset += 35)
            {
                var page = await CatalogSearch.OffsetPageFromIndexAsync(_index, db, [filter], term, order, offset, 25, CancellationToken.None);
                Assert.NotNull(page);
                var query = CatalogSearch.Apply(db, db.CatalogEntities.AsNoTracking(), [filter], term);
                Assert.Equal(await query.CountAsync(), page.Value.Total);
                var expected = await CatalogSearch.Order(query, order).Skip(offset).Take(25).Select(e => e.Id).ToListAsync();
                Assert.True(expected.SequenceEqual(page.Value.Ids), $"'{term}' [{filter}] {order} at {offset}");
            }
        }
    }

    [Fact]
    public async Task Ranked_search_gives_the_same_pages_from_the_index_and_from_PostgreSQL()
    {
        await using var db = Db();
        foreach (var (filter, term) in new[] { ("", "payment"), ("", "led"), ("", "paymnt"), ("", "x1"), ("", "ledger api"), ("kind=component", "payment") })
        {
            var answered = _index.AnsweredFromMemory;
            var (total, first) = await CatalogSearch.RankedAsync(_index, db, [filter], term, 0, 25, CancellationToken.None);
            Assert.True(_index.AnsweredFromMemory > answered, $"the index answered '{term}'");
            Assert.Equal(await CatalogSearch.Apply(db, db.CatalogEntities.AsNoTracking(), [filter], term).CountAsync(), total);
            Assert.True(total > 0, term);
            for (var offset = 0; offset < Math.Min(total, 200); offset += 25)
            {
                var fromIndex = await CatalogSearch.RankedAsync(_index, db, [filter], term, offset, 25, CancellationToken.None);
                var fromPostgres = await CatalogSearch.RankedAsync(null, db, [filter], term, offset, 25, CancellationToken.None);
                Assert.Equal(fromPostgres.Ids, fromIndex.Ids);
                Assert.Equal(fromPostgres.Total, fromIndex.Total);
            }
            Assert.Equal((await CatalogSearch.RankedAsync(null, db, [filter], term, 0, 25, CancellationToken.None)).Ids, first);
        }
    }

    [Fact]
    public async Task Above_its_size_limit_the_index_stays_off_and_PostgreSQL_answers()
    {
        var small = new CatalogSearchIndex(Db, maxEntities: 10);
        Assert.False(await small.EnsureCurrentAsync(CancellationToken.None));
        await using var db = Db();
        var query = new CatalogQuery(["kind=component"], "payment");
        var page = await CatalogSearch.QueryAsync(db, query, CancellationToken.None, small);
        var expected = await CatalogSearch.QueryAsync(db, query, CancellationToken.None);
        Assert.True(page.TotalItems > 10);
        Assert.Equal(expected.TotalItems, page.TotalItems);
        Assert.Equal(Refs(expected), Refs(page));
        Assert.Equal(0, small.AnsweredFromMemory);
    }

    [Fact]
    public async Task Queries_the_index_does_not_cover_are_answered_by_PostgreSQL_with_the_same_result()
    {
        var before = _index.AnsweredFromMemory;
        // A term outside ASCII, a filter on a field without its own column, and fullTextFilterFields.
        await CompareAllPagesAsync(new CatalogQuery([], "größe", "metadata.name", Limit: 9));
        await CompareAllPagesAsync(new CatalogQuery(["metadata.tags=java"], "payment", "metadata.name", Limit: 9));
        await CompareAllPagesAsync(new CatalogQuery([], "ledger", "metadata.name", Limit: 9, FullTextFields: ["metadata.name"]));
        Assert.Equal(before, _index.AnsweredFromMemory);
    }

    [Fact]
    public async Task A_change_is_seen_by_the_very_next_query_and_the_index_catches_up()
    {
        var query = new CatalogQuery([], "quokka", "metadata.name");
        await using (var db = Db())
        {
            Assert.Equal(0, (await CatalogSearch.QueryAsync(db, query, CancellationToken.None, _index)).TotalItems);
            // Written straight to the table, as a refresh in another portal process would.
            await db.Database.ExecuteSqlRawAsync("UPDATE catalog_entities SET description = 'a quokka service' WHERE name = 'x4'");
        }
        var answered = _index.AnsweredFromMemory;
        await using (var db = Db())
        {
            var page = await CatalogSearch.QueryAsync(db, query, CancellationToken.None, _index);
            Assert.Equal(["x4"], page.Items.Select(i => i["metadata"]!["name"]!.GetValue<string>()));
        }
        // The snapshot was behind, so PostgreSQL answered.
        Assert.Equal(answered, _index.AnsweredFromMemory);

        Assert.True(await _index.EnsureCurrentAsync(CancellationToken.None));
        await using (var db = Db())
        {
            var page = await CatalogSearch.QueryAsync(db, query, CancellationToken.None, _index);
            Assert.Equal(["x4"], page.Items.Select(i => i["metadata"]!["name"]!.GetValue<string>()));
            await db.Database.ExecuteSqlRawAsync("DELETE FROM catalog_entities WHERE name = 'x4'");
            Assert.Equal(0, (await CatalogSearch.QueryAsync(db, query, CancellationToken.None, _index)).TotalItems);
        }
        Assert.Equal(answered + 1, _index.AnsweredFromMemory);
    }

    [Fact]
    public async Task Folding_the_change_log_keeps_the_version_so_no_query_sees_a_false_match()
    {
        await using var db = Db();
        // Many recorded changes (as months of refreshes leave), committed.
        await db.Database.ExecuteSqlRawAsync(
            "INSERT INTO catalog_changes (transaction_id) SELECT (1000000 + g)::text::xid8 FROM generate_series(1, 1500) AS g");
        var version = await VersionAsync(db);

        Assert.True(await _index.EnsureCurrentAsync(CancellationToken.None));

        Assert.Equal(version, _index.Version);
        Assert.Equal(1, await db.Database.SqlQueryRaw<int>("SELECT count(*)::int AS \"Value\" FROM catalog_changes").SingleAsync());
        Assert.Equal(version, await VersionAsync(db));
        // And the folded log still moves with the next change.
        await db.Database.ExecuteSqlRawAsync("UPDATE catalog_entities SET title = 'moved' WHERE name = 'x9'");
        Assert.Equal(version.Changes + 1, (await VersionAsync(db)).Changes);
    }

    [Fact]
    public async Task After_a_restore_to_an_earlier_state_and_as_many_new_changes_the_old_snapshot_is_not_used()
    {
        await using var db = Db();
        // State B: x14 is a wombat service. The index holds it.
        await db.Database.ExecuteSqlRawAsync("UPDATE catalog_entities SET description = 'a wombat service' WHERE name = 'x14'");
        Assert.True(await _index.EnsureCurrentAsync(CancellationToken.None));
        var held = _index.Version;

        // A restore to the state before (as a backup would bring back): the change and its log row are gone.
        await db.Database.ExecuteSqlRawAsync("ALTER TABLE catalog_entities DISABLE TRIGGER catalog_entities_changed");
        await db.Database.ExecuteSqlRawAsync("UPDATE catalog_entities SET description = 'restored' WHERE name = 'x14'");
        await db.Database.ExecuteSqlRawAsync("ALTER TABLE catalog_entities ENABLE TRIGGER catalog_entities_changed");
        await db.Database.ExecuteSqlRawAsync(
            "DELETE FROM catalog_changes WHERE transaction_id = (SELECT max(transaction_id) FROM catalog_changes)");
        // Then one new change: as many changes as the index's snapshot counted, but not the same ones.
        await db.Database.ExecuteSqlRawAsync("UPDATE catalog_entities SET description = 'a wombat library' WHERE name = 'x19'");
        Assert.Equal(held!.Value.Changes, (await VersionAsync(db)).Changes);

        var page = await CatalogSearch.QueryAsync(db, new CatalogQuery([], "wombat", "metadata.name"), CancellationToken.None, _index);
        Assert.Equal(["x19"], page.Items.Select(i => i["metadata"]!["name"]!.GetValue<string>()));
    }

    private static async Task<CatalogSearchIndex.CatalogVersion> VersionAsync(PortalDbContext db)
    {
        var row = await db.Database.SqlQueryRaw<VersionRow>(
            "SELECT sum(weight)::bigint AS changes, bit_xor(fingerprint)::bigint AS fingerprint FROM catalog_changes").SingleAsync();
        return new CatalogSearchIndex.CatalogVersion(row.Changes, row.Fingerprint);
    }

    private sealed record VersionRow(long Changes, long Fingerprint);

    /// <summary>Walks every page forward by nextCursor, and back from the last page by prevCursor, on both paths.</summary>
    private async Task CompareAllPagesAsync(CatalogQuery first)
    {
        await using var db = Db();
        CatalogQuery? sql = first, memory = first;
        var pages = 0;
        CatalogPage? lastSql = null, lastMemory = null;
        while (sql is not null && memory is not null)
        {
            var expected = await CatalogSearch.QueryAsync(db, sql, CancellationToken.None);
            var actual = await CatalogSearch.QueryAsync(db, memory, CancellationToken.None, _index);
            var where = $"'{first.FullText}' [{string.Join(" | ", first.Filters)}] {first.OrderField} page {pages + 1}";
            Assert.True(expected.TotalItems == actual.TotalItems, $"{where}: total {actual.TotalItems}, PostgreSQL {expected.TotalItems}");
            Assert.True(Refs(expected).SequenceEqual(Refs(actual)), $"{where}: {string.Join(", ", Refs(actual))} vs PostgreSQL {string.Join(", ", Refs(expected))}");
            Assert.Equal(expected.PageInfo.NextCursor is null, actual.PageInfo.NextCursor is null);
            (lastSql, lastMemory) = (expected, actual);
            sql = expected.PageInfo.NextCursor is { } n1 ? first with { Cursor = n1 } : null;
            memory = actual.PageInfo.NextCursor is { } n2 ? first with { Cursor = n2 } : null;
            pages++;
            Assert.True(pages < 100, "paging does not end");
        }
        if (lastSql?.PageInfo.PrevCursor is { } p1 && lastMemory?.PageInfo.PrevCursor is { } p2)
        {
            var expected = await CatalogSearch.QueryAsync(db, first with { Cursor = p1 }, CancellationToken.None);
            var actual = await CatalogSearch.QueryAsync(db, first with { Cursor = p2 }, CancellationToken.None, _index);
            Assert.Equal(Refs(expected), Refs(actual));
        }
    }

    private static List<string> Refs(CatalogPage page) =>
        page.Items.Select(i => $"{i["kind"]}:{i["metadata"]!["namespace"]}/{i["metadata"]!["name"]}").ToList();

    private static string Describe(IReadOnlyList<FacetValue> values) =>
        new StringBuilder().AppendJoin(", ", values.Select(v => $"{v.Value}={v.Count}")).ToString();
}
