using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.TestSupport;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Catalog.Ingestion;
using Portal.Web.Infrastructure.Postgres;
using Portal.Web.Features.Catalog.Search;

// Random only makes test data and picks query parameters; a fixed seed is the point (comparable runs), not a weakness.
#pragma warning disable CA5394

namespace Portal.Benchmarks;

/// <summary>
/// Catalog at scale, measured as whole operations rather than micro-benchmarks:
/// <code>dotnet run -c Release --project tests/Portal.Benchmarks -- catalog-scale [--entities 100000] [--clients 8] [--queries 200]</code>
/// Generates a relation-rich Backstage catalog as YAML files, imports it through the real location reader and
/// ingestion (one file location, as a user would register it), then measures query latency percentiles
/// sequentially and with concurrent clients. BenchmarkDotNet does not fit here: one import takes minutes and
/// the interesting numbers are p95 and max under concurrency, not a mean of repeated iterations.
/// Progress goes to stderr; the markdown report goes to stdout and to BenchmarkDotNet.Artifacts/catalog-scale.md.
/// </summary>
public static class CatalogScaleHarness
{
    /// <summary>Fixed, so two runs with the same arguments generate the same catalog and the same queries.</summary>
    private const int Seed = 20_261_126;

    private const int DocumentsPerFile = 100;
    private const int WarmupRuns = 10;
    private const int PageSize = 50;
    private const string Command = "dotnet run -c Release --project tests/Portal.Benchmarks -- catalog-scale";
    private const string Usage = "Usage: " + Command + " [--entities 100000] [--clients 8] [--queries 200] [--data-dir /var/lib/portal-bench/catalog] [--no-search-index]";
    private const string ListFilter = "kind=component,spec.lifecycle=production";
    private const string OrderByName = "metadata.name";

    private static readonly string[] ListFilters = [ListFilter];
    private static readonly string[] ComponentFilters = ["kind=component"];
    private static readonly string[] NoFilters = [];

    private static readonly string[] NameWords =
    [
        "account", "billing", "booking", "cart", "catalog", "checkout", "claims", "content", "customer", "delivery",
        "discount", "document", "fraud", "fulfilment", "gateway", "identity", "inventory", "invoice", "ledger", "loyalty",
        "media", "message", "metrics", "notification", "order", "partner", "payment", "pricing", "profile", "promotion",
        "quote", "rating", "recommendation", "refund", "report", "returns", "review", "risk", "routing", "search",
        "session", "shipping", "stock", "subscription", "tax", "ticket", "wallet", "warehouse",
    ];

    /// <summary>What descriptions are made of, and what the full-text scenario searches for.</summary>
    private static readonly string[] DescriptionWords =
    [
        "accounting", "aggregation", "alerting", "analytics", "archival", "audit", "authentication", "authorization",
        "availability", "backfill", "backup", "batching", "caching", "capacity", "compliance", "compression",
        "configuration", "consent", "conversion", "correlation", "currency", "dashboards", "deduplication", "discovery",
        "encryption", "enrichment", "entitlements", "escalation", "eventing", "experimentation", "export", "failover",
        "federation", "forecasting", "geolocation", "governance", "ingestion", "integration", "invoicing", "journaling",
        "latency", "lineage", "localization", "logging", "matching", "metering", "migration", "moderation",
        "monitoring", "normalization", "notifications", "onboarding", "orchestration", "pagination", "partitioning", "payments",
        "permissions", "personalization", "pipelines", "provisioning", "queueing", "quotas", "ranking", "reconciliation",
        "redaction", "refunds", "regulatory", "replication", "reporting", "resilience", "retention", "retries",
        "sampling", "scheduling", "scoring", "segmentation", "settlement", "sharding", "signatures", "snapshots",
        "streaming", "subscriptions", "synchronization", "taxation", "telemetry", "tenancy", "throttling", "tokenization",
        "tracing", "transcoding", "translation", "validation", "versioning", "webhooks", "workflows", "checkout",
    ];

    /// <summary>40 tags, all valid Backstage tags ([a-z0-9:+#] words joined by '-').</summary>
    private static readonly string[] TagWords =
    [
        "java", "kotlin", "scala", "dotnet", "go", "python", "typescript", "javascript", "rust", "ruby",
        "react", "angular", "vue", "grpc", "rest", "graphql", "kafka", "rabbitmq", "postgres", "mysql",
        "mongodb", "redis", "elasticsearch", "kubernetes", "serverless", "aws", "gcp", "azure", "terraform", "pci",
        "gdpr", "tier-1", "tier-2", "tier-3", "customer-facing", "internal", "batch", "streaming", "machine-learning", "legacy",
    ];

    private static readonly string[] FirstNames =
    [
        "Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Margaret", "Ken", "Dennis", "Frances",
        "Linus", "Radia", "John", "Hedy", "Tim", "Katherine", "Niklaus", "Sophie", "Guido", "Anita",
    ];

    private static readonly string[] LastNames =
    [
        "Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Hamilton", "Thompson", "Ritchie", "Allen",
        "Torvalds", "Perlman", "McCarthy", "Lamarr", "Berners", "Johnson", "Wirth", "Wilson", "Rossum", "Borg",
    ];

    private static readonly string[] ResourceTypes = ["database", "s3-bucket", "kafka-topic", "redis", "sqs-queue"];
    private static readonly string[] ResourceNameParts = ["db", "bucket", "topic", "cache", "queue"];

    public static async Task<int> RunAsync(string[] args)
    {
        var settings = ParseArguments(args, out var error);
        if (settings is null)
        {
            await Console.Error.WriteLineAsync(error);
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }

        // Ctrl+C cancels the run instead of killing the process, so the finally block still stops PostgreSQL.
        using var cancellation = new CancellationTokenSource();
        void OnCancel(object? sender, ConsoleCancelEventArgs e)
        {
            e.Cancel = true;
            cancellation.Cancel();
        }
        Console.CancelKeyPress += OnCancel;
        var ct = cancellation.Token;

        // Clusters left by a killed run (their lock is free) are stopped and deleted; live ones are left alone.
        EmbeddedPostgres.RemoveAbandonedClusters(TestCluster.Root, TestCluster.AbandonedAfter);
        // --data-dir keeps the cluster after the run and reuses its import next time, so query work can iterate
        // without a 40 s import per run (and the database can be inspected with psql in between).
        var keep = settings.DataDirectory is not null;
        var dataDirectory = settings.DataDirectory ?? TestCluster.NewDataDirectory("catalog-scale");
        // Not under TestCluster.Root: RemoveAbandonedClusters (run by any test process) would take it for an abandoned cluster.
        var filesDirectory = Path.Combine(Path.GetTempPath(), "portal-catalog-scale", Guid.NewGuid().ToString("N"));
        EmbeddedPostgres? server = null;
        try
        {
            var report = new StringBuilder();
            report.AppendLine("# Catalog scale run").AppendLine();
            report.AppendLine(CultureInfo.InvariantCulture, $"Command: `{Command} --entities {settings.Entities} --clients {settings.Clients} --queries {settings.Queries}`").AppendLine();
#if DEBUG
            report.AppendLine("**Debug build: these numbers mean nothing; run with -c Release.**").AppendLine();
#endif

            // 1. The catalog as files, as a company would keep it in a repository.
            Progress(Inv($"generating {settings.Entities:N0} entities in {filesDirectory}"));
            var generateWatch = Stopwatch.StartNew();
            var catalog = new CatalogGenerator(filesDirectory).Generate(settings.Entities);
            generateWatch.Stop();
            var kinds = string.Join(", ", catalog.Kinds.OrderByDescending(k => k.Value).Select(k => Inv($"{k.Key} {k.Value:N0}")));
            Progress(Inv($"generated {catalog.Files:N0} files, {catalog.Bytes / 1024.0 / 1024.0:F1} MB in {generateWatch.Elapsed.TotalSeconds:F1} s"));

            // 2. PostgreSQL and the schema.
            Progress("starting PostgreSQL");
            server = EmbeddedPostgres.Start(TestCluster.FastOptions(dataDirectory));
            var dbOptions = new DbContextOptionsBuilder<PortalDbContext>()
                // A large import runs single statements (counts, orphan scan) that can outlast the 30 s default.
                .UseNpgsql(server.ConnectionString, npgsql => npgsql.CommandTimeout(600))
                .UseSnakeCaseNamingConvention()
                .Options;
            await using (var db = new PortalDbContext(dbOptions))
            {
                await db.Database.MigrateAsync(ct);
            }
            var postgresVersion = await ScalarAsync(server.ConnectionString, "SHOW server_version", ct);

            report.AppendLine(CultureInfo.InvariantCulture,
                $"Machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, PostgreSQL {postgresVersion} (embedded, fsync off).").AppendLine();
            report.AppendLine(CultureInfo.InvariantCulture,
                $"Data set: {catalog.Kinds.Values.Sum():N0} entities (seed {Seed}): {kinds}; {catalog.Files:N0} files of up to {DocumentsPerFile} documents plus a root Location, {catalog.Bytes / 1024.0 / 1024.0:F1} MB of YAML.").AppendLine();

            // 3. Import: register the root file as a location and refresh it, exactly as the portal does.
            var options = new CatalogOptions { MaxEntitiesPerLocation = 10_000_000 };
            var location = new CatalogLocation
            {
                Type = "file",
                Target = catalog.RootFile,
                CreatedAt = DateTimeOffset.UtcNow,
                CreatedBy = "catalog-scale",
                RegistrantIsAdmin = true, // as an admin registers it: every entity is taken, unchecked
                TrustedForIdentity = true,
            };
            var importWatch = new Stopwatch();
            await using (var db = new PortalDbContext(dbOptions))
            {
                var kept = await db.CatalogLocations.AsNoTracking().FirstOrDefaultAsync(l => l.CreatedBy == "catalog-scale" && l.EntityCount > 0, ct);
                if (kept is not null)
                {
                    Progress("reusing the import kept in " + dataDirectory);
                    location = kept;
                }
                else
                {
                    db.CatalogLocations.Add(location);
                    await db.SaveChangesAsync(ct);
                }
            }
            if (importWatch.ElapsedTicks == 0 && location.EntityCount == 0)
            {
                Progress("importing");
                importWatch.Start();
                await using var db = new PortalDbContext(dbOptions);
                await CatalogIngestion.RefreshAsync(db, new LocationReader(options, null), location.Id, options, TimeProvider.System, ct);
                importWatch.Stop();
            }

            string importLine;
            await using (var db = new PortalDbContext(dbOptions))
            {
                var saved = await db.CatalogLocations.AsNoTracking().FirstAsync(l => l.Id == location.Id, ct);
                var imported = await db.CatalogEntities.CountAsync(e => e.LocationId == location.Id, ct);
                var relations = await db.CatalogRelations.CountAsync(ct);
                var problems = saved.Errors?.RootElement.GetArrayLength() ?? 0;
                var seconds = importWatch.Elapsed.TotalSeconds;
                importLine = (seconds > 0 ? Inv($"Import: {imported:N0} entities in {seconds:F1} s = {imported / seconds:N0} entities/s; ")
                        : Inv($"Import: {imported:N0} entities, reused from {dataDirectory} (not timed in this run); "))
                    + Inv($"location status {saved.Status}, entityCount {saved.EntityCount:N0}, lastRefreshMs {saved.LastRefreshMs:N0}, {problems:N0} problems; {relations:N0} relation rows.");
                if (problems > 0)
                {
                    // Generated data should be clean; problems mean the generator or the reader is wrong.
                    foreach (var problem in saved.Errors!.RootElement.EnumerateArray().Take(5))
                    {
                        Progress("problem: " + problem.GetRawText());
                    }
                }
                Progress(importLine);
                // Fresh statistics, so the planner sees 100k rows and not an empty table.
                await db.Database.ExecuteSqlRawAsync("ANALYZE", ct);
            }
            report.AppendLine(importLine).AppendLine();

            // 4. Memory after the import (the import's own objects are garbage by now; the peak shows what it needed).
            var managed = GC.GetTotalMemory(forceFullCollection: true);
            var workingSet = Environment.WorkingSet;
            long peakWorkingSet;
            using (var process = Process.GetCurrentProcess())
            {
                peakWorkingSet = process.PeakWorkingSet64;
            }
            var databaseSize = await ScalarAsync(server.ConnectionString, "SELECT pg_size_pretty(pg_database_size(current_database()))", ct);
            var memoryLine = Inv($"Memory after import: managed heap {managed / 1024.0 / 1024.0:N1} MB (GC.GetTotalMemory(true)), ")
                + Inv($"working set {workingSet / 1024.0 / 1024.0:N1} MB, peak working set {peakWorkingSet / 1024.0 / 1024.0:N1} MB; database size {databaseSize}.");
            Progress(memoryLine);
            report.AppendLine(memoryLine).AppendLine();

            // 5. The in-memory search index, as the portal builds it after start-up (--no-search-index measures PostgreSQL alone).
            CatalogSearchIndex? index = null;
            if (settings.SearchIndex)
            {
                index = new CatalogSearchIndex(() => new PortalDbContext(dbOptions));
                var before = GC.GetTotalMemory(forceFullCollection: true);
                var buildWatch = Stopwatch.StartNew();
                var usable = await index.EnsureCurrentAsync(ct);
                buildWatch.Stop();
                var indexLine = Inv($"Search index: {index.Count:N0} entities in {buildWatch.Elapsed.TotalSeconds:F1} s, ")
                    + Inv($"managed heap +{(GC.GetTotalMemory(forceFullCollection: true) - before) / 1024.0 / 1024.0:N1} MB, usable {usable}.");
                Progress(indexLine);
                report.AppendLine(indexLine).AppendLine();
            }
            else
            {
                report.AppendLine("Search index: off (--no-search-index); PostgreSQL answers every query.").AppendLine();
            }

            // 6. Latency, one scenario at a time: sequential, then concurrent clients.
            var rows = new List<Row>();
            foreach (var scenario in Scenarios(catalog, index))
            {
                rows.Add(await MeasureAsync(scenario, dbOptions, 1, settings.Queries, WarmupRuns, ct));
                if (settings.Clients > 1)
                {
                    // A couple of warm-up runs per client open its pooled connection, which the sequential run did not need.
                    rows.Add(await MeasureAsync(scenario, dbOptions, settings.Clients, settings.Queries, Math.Max(2, WarmupRuns / settings.Clients), ct));
                }
            }

            // 7. The report.
            report.AppendLine(CultureInfo.InvariantCulture, $"Latency: {settings.Queries} queries per row, after warm-up; with several clients the queries are split between them, each with its own DbContext.").AppendLine();
            report.AppendLine("| scenario | clients | p50 ms | p95 ms | max ms |");
            report.AppendLine("| --- | ---: | ---: | ---: | ---: |");
            foreach (var row in rows)
            {
                report.AppendLine(CultureInfo.InvariantCulture, $"| {row.Name} | {row.Clients} | {row.P50:F1} | {row.P95:F1} | {row.Max:F1} |");
            }
            report.AppendLine();
            // Sanity check: a fast query that finds nothing measures nothing.
            report.AppendLine("Throughput and result sizes (items: rows or facet values returned; total: totalItems, or the sum of facet counts):").AppendLine();
            report.AppendLine("| scenario | clients | queries/s | mean items | mean total |");
            report.AppendLine("| --- | ---: | ---: | ---: | ---: |");
            foreach (var row in rows)
            {
                report.AppendLine(CultureInfo.InvariantCulture, $"| {row.Name} | {row.Clients} | {row.QueriesPerSecond:N1} | {row.MeanItems:N1} | {row.MeanTotal:N0} |");
            }

            var text = report.ToString();
            Console.Out.Write(text);
            var artifacts = Path.GetFullPath("BenchmarkDotNet.Artifacts");
            Directory.CreateDirectory(artifacts);
            var reportFile = Path.Combine(artifacts, "catalog-scale.md");
            await File.WriteAllTextAsync(reportFile, text, ct);
            Progress("report written to " + reportFile);
            return 0;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("Cancelled.");
            return 130;
        }
        finally
        {
            Console.CancelKeyPress -= OnCancel;
            server?.Dispose();
            if (!keep)
            {
                TestCluster.TryDelete(dataDirectory);
            }
            TestCluster.TryDelete(filesDirectory);
        }
    }

    private sealed record Settings(int Entities, int Clients, int Queries, string? DataDirectory, bool SearchIndex);

    private static Settings? ParseArguments(string[] args, out string? error)
    {
        int entities = 100_000, clients = 8, queries = 200;
        string? dataDirectory = null;
        var searchIndex = true;
        for (var i = 0; i < args.Length; i += 2)
        {
            if (args[i] == "--no-search-index")
            {
                searchIndex = false;
                continue;
            }
            if (args[i] == "--data-dir" && i + 1 < args.Length)
            {
                dataDirectory = Path.GetFullPath(args[i + 1]);
                continue;
            }
            if (args[i] is not ("--entities" or "--clients" or "--queries"))
            {
                error = Inv($"Unknown option '{args[i]}'.");
                return null;
            }
            if (i + 1 >= args.Length || !int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            {
                error = Inv($"{args[i]} needs a whole number.");
                return null;
            }
            switch (args[i])
            {
                case "--entities":
                    entities = value;
                    break;
                case "--clients":
                    clients = value;
                    break;
                default:
                    queries = value;
                    break;
            }
        }
        error = entities is < 1_000 or > 10_000_000 ? "--entities must be between 1000 and 10000000 (every kind needs a few entities)."
            // PostgreSQL allows 100 connections by default; each client holds one.
            : clients is < 1 or > 64 ? "--clients must be between 1 and 64."
            : queries < 1 ? "--queries must be at least 1."
            : null;
        return error is null ? new Settings(entities, clients, queries, dataDirectory, searchIndex) : null;
    }

    // ---------------------------------------------------------------- latency

    /// <summary>One measured query. It times itself, so a scenario can do unmeasured preparation (page 1 before page 2).</summary>
    private delegate Task<Sample> ScenarioQuery(PortalDbContext db, Random random, int run, CancellationToken cancellationToken);

    private sealed record Scenario(string Name, ScenarioQuery Query);

    private readonly record struct Sample(double Milliseconds, int Items, int Total);

    private sealed record Row(string Name, int Clients, double P50, double P95, double Max, double QueriesPerSecond, double MeanItems, double MeanTotal);

    private static List<Scenario> Scenarios(GeneratedCatalog catalog, CatalogSearchIndex? index) =>
    [
        new("list: production components by name (half with owner)", (db, random, run, ct) =>
        {
            // Every other run narrows the list to one team, as the owner picker does.
            string[] filters = run % 2 == 0
                ? ListFilters
                : [ListFilter + ",relations.ownedby=group:default/" + catalog.Teams[random.Next(catalog.Teams.Length)]];
            return TimedPageAsync(() => CatalogSearch.QueryAsync(db, new CatalogQuery(filters, null, OrderByName, PageSize), ct, index));
        }),
        new("list: page 2 via nextCursor", async (db, _, _, ct) =>
        {
            var first = await CatalogSearch.QueryAsync(db, new CatalogQuery(ListFilters, null, OrderByName, PageSize), ct, index);
            return await TimedPageAsync(() =>
                CatalogSearch.QueryAsync(db, new CatalogQuery(ListFilters, null, OrderByName, PageSize, first.PageInfo.NextCursor), ct, index));
        }),
        new("full text: one description word", (db, random, _, ct) =>
        {
            var word = DescriptionWords[random.Next(DescriptionWords.Length)];
            return TimedPageAsync(() => CatalogSearch.QueryAsync(db, new CatalogQuery(NoFilters, word, OrderByName, PageSize), ct, index));
        }),
        new("typo: component name, one letter missing", (db, random, _, ct) =>
        {
            var typo = DropOneLetter(catalog.Components[random.Next(catalog.Components.Length)], random);
            return TimedPageAsync(() => CatalogSearch.QueryAsync(db, new CatalogQuery(NoFilters, typo, OrderByName, PageSize), ct, index));
        }),
        new("facet: spec.type of components", (db, _, _, ct) =>
            TimedFacetAsync(() => CatalogSearch.FacetAsync(db, "spec.type", ComponentFilters, null, ct, index))),
        new("facet: metadata.tags of components", (db, _, _, ct) =>
            TimedFacetAsync(() => CatalogSearch.FacetAsync(db, "metadata.tags", ComponentFilters, null, ct, index))),
    ];

    private static async Task<Sample> TimedPageAsync(Func<Task<CatalogPage>> query)
    {
        var start = Stopwatch.GetTimestamp();
        var page = await query();
        return new Sample(Stopwatch.GetElapsedTime(start).TotalMilliseconds, page.Items.Count, page.TotalItems);
    }

    private static async Task<Sample> TimedFacetAsync(Func<Task<IReadOnlyList<FacetValue>>> query)
    {
        var start = Stopwatch.GetTimestamp();
        var values = await query();
        return new Sample(Stopwatch.GetElapsedTime(start).TotalMilliseconds, values.Count, values.Sum(v => v.Count));
    }

    /// <summary>"billing-ledger-00042" becomes e.g. "biling-ledger-00042": a letter, never a digit or dash.</summary>
    private static string DropOneLetter(string name, Random random)
    {
        var letters = new List<int>();
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsAsciiLetter(name[i]))
            {
                letters.Add(i);
            }
        }
        return name.Remove(letters[random.Next(letters.Count)], 1);
    }

    /// <summary>
    /// Runs <paramref name="queries"/> queries of one scenario split over <paramref name="clients"/> clients, each with its
    /// own DbContext and its own seeded Random. Warm-up (JIT, EF's query cache, pooled connections, PostgreSQL's buffers)
    /// finishes for every client before the measured part starts, so throughput covers measured queries only.
    /// </summary>
    private static async Task<Row> MeasureAsync(Scenario scenario, DbContextOptions<PortalDbContext> options, int clients, int queries, int warmup,
        CancellationToken ct)
    {
        Progress(Inv($"{scenario.Name}: {queries} queries, {clients} client(s)"));
        var contexts = Enumerable.Range(0, clients).Select(_ => new PortalDbContext(options)).ToList();
        try
        {
            var randoms = Enumerable.Range(0, clients).Select(client => new Random(Seed + client)).ToList();
            await Task.WhenAll(Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
            {
                for (var run = 0; run < warmup; run++)
                {
                    await scenario.Query(contexts[client], randoms[client], run, ct);
                }
            }, ct)));

            var start = Stopwatch.GetTimestamp();
            var perClient = await Task.WhenAll(Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
            {
                // The first queries % clients clients take one query more, so the total is exactly `queries`.
                var count = (queries / clients) + (client < queries % clients ? 1 : 0);
                var samples = new List<Sample>(count);
                for (var run = 0; run < count; run++)
                {
                    samples.Add(await scenario.Query(contexts[client], randoms[client], run, ct));
                }
                return samples;
            }, ct)));
            var wall = Stopwatch.GetElapsedTime(start);

            var all = perClient.SelectMany(s => s).ToList();
            var sorted = all.Select(s => s.Milliseconds).Order().ToList();
            var row = new Row(scenario.Name, clients, Percentile(sorted, 0.50), Percentile(sorted, 0.95), sorted[^1],
                all.Count / wall.TotalSeconds, all.Average(s => s.Items), all.Average(s => s.Total));
            Progress(Inv($"  p50 {row.P50:F1} ms, p95 {row.P95:F1} ms, max {row.Max:F1} ms, {row.QueriesPerSecond:N1} queries/s, mean items {row.MeanItems:N1}, mean total {row.MeanTotal:N0}"));
            return row;
        }
        finally
        {
            foreach (var db in contexts)
            {
                await db.DisposeAsync();
            }
        }
    }

    private static double Percentile(List<double> sorted, double p) => Portal.Web.Features.Environments.EnvironmentFigures.Percentile(sorted, p);

    // ---------------------------------------------------------------- helpers

    private static string Inv(FormattableString text) => FormattableString.Invariant(text);

    private static void Progress(string message) => Console.Error.WriteLine("[catalog-scale] " + message);

    private static async Task<string> ScalarAsync(string connectionString, string sql, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToString(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture) ?? "?";
    }

    // ---------------------------------------------------------------- data

    /// <summary>What the generator wrote, and the names the query scenarios draw from.</summary>
    /// <param name="RootFile">The root catalog-info.yaml, a Location listing every generated file.</param>
    /// <param name="Files">Generated entity files, the root not included.</param>
    /// <param name="Bytes">Size of all YAML written, the root included.</param>
    /// <param name="Kinds">Entities per kind, the root Location included.</param>
    /// <param name="Teams">Group names of kind team (owners of components, APIs, resources, systems).</param>
    /// <param name="Components">Component names, for the typo scenario.</param>
    internal sealed record GeneratedCatalog(string RootFile, int Files, long Bytes, Dictionary<string, int> Kinds, string[] Teams, string[] Components);

    /// <summary>
    /// Writes a Backstage catalog of N entities (the root Location included) in the proportions of a real company:
    /// ~1% groups (an organization, departments and teams, with parent, children and members), ~5% users, a domain per
    /// 1,000 entities, ~2% systems, ~15% APIs, ~7% resources and the rest components. Every reference points at an
    /// entity that exists, so the relations table is as full as in a real catalog. Plain Backstage YAML: the same
    /// files can be registered in Backstage itself for a side-by-side comparison.
    /// </summary>
    internal sealed class CatalogGenerator
    {
        private readonly Random _random = new(Seed);
        private readonly string _folder;
        private readonly StringBuilder _file = new();
        private readonly List<string> _targets = [];
        private readonly Dictionary<string, int> _kinds = new(StringComparer.Ordinal);
        private int _documentsInFile;
        private long _bytes;

        public CatalogGenerator(string folder)
        {
            _folder = folder;
            Directory.CreateDirectory(Path.Combine(folder, "entities"));
        }

        public GeneratedCatalog Generate(int entities)
        {
            var generated = entities - 1; // the root Location is an entity too
            var groupCount = Math.Max(3, generated / 100);
            var departmentCount = Math.Max(1, groupCount / 10);
            var teamCount = groupCount - 1 - departmentCount;
            var userCount = generated * 5 / 100;
            var domainCount = Math.Max(1, generated / 1000);
            var systemCount = Math.Max(1, generated * 2 / 100);
            var apiCount = generated * 15 / 100;
            var resourceCount = generated * 7 / 100;
            var componentCount = generated - groupCount - userCount - domainCount - systemCount - apiCount - resourceCount;

            // Every name first: relations may only point at entities that exist.
            const string organization = "engineering";
            var departments = Names(departmentCount, i => Inv($"dept-{i:D2}"));
            var teams = Names(teamCount, i => Inv($"team-{i:D3}"));
            var users = Names(userCount, i =>
                Inv($"{FirstNames[i % FirstNames.Length].ToLowerInvariant()}.{LastNames[i / FirstNames.Length % LastNames.Length].ToLowerInvariant()}{i}"));
            var domains = Names(domainCount, i => Inv($"{Word()}-domain-{i:D3}"));
            var systems = Names(systemCount, i => Inv($"{Word()}-{Word()}-system-{i:D4}"));
            var apis = Names(apiCount, i => Inv($"{Word()}-{Word()}-api-{i:D5}"));
            var resourceKinds = Names(resourceCount, _ => _random.Next(ResourceTypes.Length));
            var resources = Names(resourceCount, i => Inv($"{Word()}-{ResourceNameParts[resourceKinds[i]]}-{i:D5}"));
            var components = Names(componentCount, i => Inv($"{Word()}-{Word()}-{i:D5}"));
            // 60% services, 15% websites, 25% libraries.
            var componentTypes = Names(componentCount, _ => _random.Next(100) switch
            {
                < 60 => "service",
                < 75 => "website",
                _ => "library",
            });

            // Each API is provided by one service.
            var services = Enumerable.Range(0, componentCount).Where(c => componentTypes[c] == "service").ToArray();
            var provides = new List<string>?[componentCount];
            if (services.Length > 0)
            {
                foreach (var api in apis)
                {
                    var provider = services[_random.Next(services.Length)];
                    (provides[provider] ??= new List<string>()).Add(api);
                }
            }

            // Users join one team each; teams sit in departments, departments in the organization.
            var userTeams = Names(userCount, _ => _random.Next(teamCount));
            var members = Names(teamCount, _ => new List<string>());
            for (var u = 0; u < userCount; u++)
            {
                members[userTeams[u]].Add(users[u]);
            }
            var departmentOf = Names(teamCount, t => t % departmentCount);
            var childrenOf = Names(departmentCount, _ => new List<string>());
            for (var t = 0; t < teamCount; t++)
            {
                childrenOf[departmentOf[t]].Add(teams[t]);
            }

            WriteGroup(organization, "organization", "Engineering", null, departments.ToList(), []);
            for (var d = 0; d < departmentCount; d++)
            {
                WriteGroup(departments[d], "department", Inv($"Department {d:D2}"), organization, childrenOf[d], []);
            }
            for (var t = 0; t < teamCount; t++)
            {
                WriteGroup(teams[t], "team", Inv($"Team {t:D3}"), departments[departmentOf[t]], [], members[t]);
            }
            for (var u = 0; u < userCount; u++)
            {
                WriteUser(users[u], u, teams[userTeams[u]]);
            }
            foreach (var domain in domains)
            {
                WriteSimple("Domain", domain, "Business domain for", ("owner", Pick(departments)));
            }
            foreach (var system in systems)
            {
                WriteSimple("System", system, "System that groups", ("owner", Pick(teams)), ("domain", Pick(domains)));
            }
            foreach (var api in apis)
            {
                WriteApi(api, Pick(teams), Maybe(90) ? Pick(systems) : null);
            }
            for (var r = 0; r < resourceCount; r++)
            {
                // A quarter of the resources depend on another one (a cache in front of a database, say).
                var dependsOn = new List<string>();
                if (Maybe(25))
                {
                    var other = Pick(resources);
                    if (other != resources[r])
                    {
                        dependsOn.Add("resource:" + other);
                    }
                }
                WriteResource(resources[r], ResourceTypes[resourceKinds[r]], Pick(teams), Maybe(85) ? Pick(systems) : null, dependsOn);
            }
            for (var c = 0; c < componentCount; c++)
            {
                WriteComponent(components[c], componentTypes[c], Pick(teams), Maybe(90) ? Pick(systems) : null,
                    provides[c] ?? new List<string>(), ConsumedApis(componentTypes[c], apis), Dependencies(components, c, resources));
            }
            Flush();

            return new GeneratedCatalog(WriteRoot(entities), _targets.Count, _bytes, _kinds, teams, components);
        }

        private static T[] Names<T>(int count, Func<int, T> make)
        {
            var result = new T[count];
            for (var i = 0; i < count; i++)
            {
                result[i] = make(i);
            }
            return result;
        }

        private string Word() => NameWords[_random.Next(NameWords.Length)];

        private string Pick(string[] names) => names[_random.Next(names.Length)];

        private bool Maybe(int percent) => _random.Next(100) < percent;

        private List<string> ConsumedApis(string type, string[] apis)
        {
            var consumed = new List<string>();
            var count = type == "library" || apis.Length == 0 ? 0 : _random.Next(4);
            for (var i = 0; i < count; i++)
            {
                var api = Pick(apis);
                if (!consumed.Contains(api))
                {
                    consumed.Add(api);
                }
            }
            return consumed;
        }

        /// <summary>0-3 components or resources; the kind is spelled out because Backstage has no default kind for dependsOn.</summary>
        private List<string> Dependencies(string[] components, int self, string[] resources)
        {
            var dependencies = new List<string>();
            var count = _random.Next(4);
            for (var i = 0; i < count; i++)
            {
                var target = resources.Length == 0 || Maybe(60) ? "component:" + Pick(components) : "resource:" + Pick(resources);
                if (target != "component:" + components[self] && !dependencies.Contains(target))
                {
                    dependencies.Add(target);
                }
            }
            return dependencies;
        }

        /// <summary>
        /// 8-14 words. Squaring the uniform draw makes the first words of the vocabulary common and the last ones rare,
        /// as in real descriptions, so the full-text scenario meets both large and small result sets.
        /// </summary>
        private string Sentence()
        {
            var words = new string[_random.Next(8, 15)];
            for (var i = 0; i < words.Length; i++)
            {
                var draw = _random.NextDouble();
                words[i] = DescriptionWords[(int)(DescriptionWords.Length * draw * draw)];
            }
            return string.Join(' ', words);
        }

        private List<string> Tags(int min, int max)
        {
            var tags = new List<string>();
            var count = _random.Next(min, max + 1);
            while (tags.Count < count)
            {
                var tag = TagWords[_random.Next(TagWords.Length)];
                if (!tags.Contains(tag))
                {
                    tags.Add(tag);
                }
            }
            return tags;
        }

        private string Lifecycle() => _random.Next(100) switch
        {
            < 70 => "production",
            < 90 => "experimental",
            _ => "deprecated",
        };

        private void WriteGroup(string name, string type, string displayName, string? parent, List<string> children, List<string> members)
        {
            Begin("Group");
            Line("metadata:");
            Field("  ", "name", name);
            Field("  ", "description", Quote(displayName + ": " + Sentence() + "."));
            Line("spec:");
            Field("  ", "type", type);
            Line("  profile:");
            Field("    ", "displayName", displayName);
            Field("    ", "email", name + "@example.com");
            if (parent is not null)
            {
                Field("  ", "parent", parent);
            }
            Sequence("  ", "children", children);
            if (members.Count > 0)
            {
                Sequence("  ", "members", members);
            }
        }

        private void WriteUser(string name, int index, string team)
        {
            Begin("User");
            Line("metadata:");
            Field("  ", "name", name);
            Line("spec:");
            Line("  profile:");
            Field("    ", "displayName", FirstNames[index % FirstNames.Length] + " " + LastNames[index / FirstNames.Length % LastNames.Length]);
            Field("    ", "email", name + "@example.com");
            Sequence("  ", "memberOf", [team]);
        }

        private void WriteSimple(string kind, string name, string lead, params (string Key, string Value)[] spec)
        {
            Begin(kind);
            Line("metadata:");
            Field("  ", "name", name);
            Field("  ", "description", Quote(lead + " " + Sentence() + "."));
            Line("spec:");
            foreach (var (key, value) in spec)
            {
                Field("  ", key, value);
            }
        }

        private void WriteApi(string name, string owner, string? system)
        {
            var type = _random.Next(100) switch
            {
                < 60 => "openapi",
                < 85 => "grpc",
                _ => "asyncapi",
            };
            var subject = Word();
            Begin("API");
            Line("metadata:");
            Field("  ", "name", name);
            Field("  ", "description", Quote("API for " + Sentence() + "."));
            Sequence("  ", "tags", Tags(1, 2));
            Line("  links:");
            Line("    - url: https://docs.example.com/apis/" + name);
            Line("      title: Documentation");
            Line("spec:");
            Field("  ", "type", type);
            Field("  ", "lifecycle", Lifecycle());
            Field("  ", "owner", owner);
            if (system is not null)
            {
                Field("  ", "system", system);
            }
            Line("  definition: |");
            foreach (var line in Definition(type, name, subject))
            {
                Line("    " + line);
            }
        }

        /// <summary>A short but real definition of the API's type, as a literal block.</summary>
        private static string[] Definition(string type, string name, string subject) => type switch
        {
            "openapi" =>
            [
                "openapi: 3.0.3",
                "info:",
                "  title: " + name,
                "  version: 1.0.0",
                "paths:",
                "  /" + subject + ":",
                "    get:",
                "      summary: List " + subject + " records",
                "      responses:",
                "        \"200\":",
                "          description: OK",
            ],
            "grpc" =>
            [
                "syntax = \"proto3\";",
                "package " + subject + ".v1;",
                "service Records {",
                "  rpc Get (GetRequest) returns (Record);",
                "  rpc List (ListRequest) returns (stream Record);",
                "}",
            ],
            _ =>
            [
                "asyncapi: 2.6.0",
                "info:",
                "  title: " + name,
                "  version: 1.0.0",
                "channels:",
                "  " + subject + ".changed:",
                "    subscribe:",
                "      message:",
                "        name: " + subject + "-changed",
            ],
        };

        private void WriteResource(string name, string type, string owner, string? system, List<string> dependsOn)
        {
            Begin("Resource");
            Line("metadata:");
            Field("  ", "name", name);
            Field("  ", "description", Quote("Storage for " + Sentence() + "."));
            Line("spec:");
            Field("  ", "type", type);
            Field("  ", "owner", owner);
            if (system is not null)
            {
                Field("  ", "system", system);
            }
            if (dependsOn.Count > 0)
            {
                Sequence("  ", "dependsOn", dependsOn);
            }
        }

        private void WriteComponent(string name, string type, string owner, string? system, List<string> providesApis, List<string> consumesApis,
            List<string> dependsOn)
        {
            var lead = type switch
            {
                "service" => "Service for",
                "website" => "Web front end for",
                _ => "Library for",
            };
            Begin("Component");
            Line("metadata:");
            Field("  ", "name", name);
            Field("  ", "description", Quote(lead + " " + Sentence() + "."));
            Sequence("  ", "tags", Tags(2, 3));
            Line("  annotations:");
            Field("    ", "backstage.io/techdocs-ref", "dir:.");
            Field("    ", "github.com/project-slug", "acme/" + name);
            Line("  links:");
            Line("    - url: https://git.example.com/acme/" + name);
            Line("      title: Repository");
            Line("      icon: github");
            Line("    - url: https://grafana.example.com/d/" + name);
            Line("      title: Dashboard");
            Line("      icon: dashboard");
            Line("spec:");
            Field("  ", "type", type);
            Field("  ", "lifecycle", Lifecycle());
            Field("  ", "owner", owner);
            if (system is not null)
            {
                Field("  ", "system", system);
            }
            if (providesApis.Count > 0)
            {
                Sequence("  ", "providesApis", providesApis);
            }
            if (consumesApis.Count > 0)
            {
                Sequence("  ", "consumesApis", consumesApis);
            }
            if (dependsOn.Count > 0)
            {
                Sequence("  ", "dependsOn", dependsOn);
            }
        }

        /// <summary>Starts a document, and a new file every <see cref="DocumentsPerFile"/> documents.</summary>
        private void Begin(string kind)
        {
            if (_documentsInFile == DocumentsPerFile)
            {
                Flush();
            }
            _file.Append("---\napiVersion: backstage.io/v1alpha1\nkind: ").Append(kind).Append('\n');
            _documentsInFile++;
            _kinds[kind] = _kinds.GetValueOrDefault(kind) + 1;
        }

        private void Line(string text) => _file.Append(text).Append('\n');

        /// <summary>Values are names, refs, URLs or quoted text: all safe as plain YAML scalars.</summary>
        private void Field(string indent, string key, string value) => _file.Append(indent).Append(key).Append(": ").Append(value).Append('\n');

        private void Sequence(string indent, string key, List<string> items)
        {
            if (items.Count == 0)
            {
                _file.Append(indent).Append(key).Append(": []\n");
                return;
            }
            _file.Append(indent).Append(key).Append(":\n");
            foreach (var item in items)
            {
                _file.Append(indent).Append("  - ").Append(item).Append('\n');
            }
        }

        private static string Quote(string text) =>
            "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

        private void Flush()
        {
            if (_documentsInFile == 0)
            {
                return;
            }
            var relative = Inv($"entities/entities-{_targets.Count + 1:D4}.yaml");
            var text = _file.ToString();
            File.WriteAllText(Path.Combine(_folder, relative), text);
            _bytes += Encoding.UTF8.GetByteCount(text);
            _targets.Add("./" + relative);
            _file.Clear();
            _documentsInFile = 0;
        }

        /// <summary>The root catalog-info.yaml: one Location whose targets are all the generated files, relative to it.</summary>
        private string WriteRoot(int entities)
        {
            var root = new StringBuilder();
            root.Append("apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: catalog-scale\n  description: ")
                .Append(Quote(Inv($"Generated by the catalog-scale harness: {entities} entities, seed {Seed}.")))
                .Append("\nspec:\n  targets:\n");
            foreach (var target in _targets)
            {
                root.Append("    - ").Append(target).Append('\n');
            }
            var path = Path.Combine(_folder, "catalog-info.yaml");
            var text = root.ToString();
            File.WriteAllText(path, text);
            _bytes += Encoding.UTF8.GetByteCount(text);
            _kinds["Location"] = 1;
            return path;
        }
    }
}
