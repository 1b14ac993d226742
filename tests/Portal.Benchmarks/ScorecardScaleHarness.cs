using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Portal.TestSupport;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Catalog.Ingestion;
using Portal.Web.Features.Catalog.Search;
using Portal.Web.Features.Identity;
using Portal.Web.Features.Scorecards;
using Portal.Web.Infrastructure.Postgres;

namespace Portal.Benchmarks;

/// <summary>
/// Issue #23's goal: evaluating 5 scorecards × 20 rules over the 100,000-entity generated catalog takes at most 30 s, and
/// catalog list queries keep their latency while it runs. Imports the catalog-scale catalog (same generator, same seed),
/// imports five scorecards that apply to every entity, then times a first evaluation (every result written), a second
/// (nothing changed) and the catalog list query (1 client, PostgreSQL path) before and during each.
/// </summary>
public static class ScorecardScaleHarness
{
    private const string Command = "dotnet run -c Release --project tests/Portal.Benchmarks -- scorecards-scale";
    private static readonly string[] ListFilters = ["kind=component,spec.lifecycle=production"];

    public static async Task<int> RunAsync(string[] args)
    {
        var entities = HarnessArgs.Number(args, "--entities", 100_000);
        var baselineQueries = HarnessArgs.Number(args, "--queries", 40);
        var ct = CancellationToken.None;
        EmbeddedPostgres.RemoveAbandonedClusters(TestCluster.Root, TestCluster.AbandonedAfter);
        var dataDirectory = TestCluster.NewDataDirectory("scorecards-scale");
        var filesDirectory = Path.Combine(Path.GetTempPath(), "portal-scorecards-scale", Guid.NewGuid().ToString("N"));
        EmbeddedPostgres? server = null;
        try
        {
            Progress($"generating {entities:N0} entities");
            var catalog = new CatalogScaleHarness.CatalogGenerator(filesDirectory).Generate(entities);
            server = EmbeddedPostgres.Start(TestCluster.FastOptions(dataDirectory));
            var options = new DbContextOptionsBuilder<PortalDbContext>()
                .UseNpgsql(server.ConnectionString, npgsql => npgsql.CommandTimeout(600)).UseSnakeCaseNamingConvention().Options;
            await using (var db = new PortalDbContext(options))
            {
                await db.Database.MigrateAsync(ct);
                var location = new CatalogLocation
                {
                    Type = "file", Target = catalog.RootFile, CreatedAt = DateTimeOffset.UtcNow, CreatedBy = "scorecards-scale",
                    RegistrantIsAdmin = true, TrustedForIdentity = true,
                };
                db.CatalogLocations.Add(location);
                await db.SaveChangesAsync(ct);
                Progress("importing");
                var catalogOptions = new CatalogOptions { MaxEntitiesPerLocation = 10_000_000 };
                var import = Stopwatch.StartNew();
                await CatalogIngestion.RefreshAsync(db, new LocationReader(catalogOptions, null), location.Id, catalogOptions, TimeProvider.System, ct);
                Progress($"imported in {import.Elapsed.TotalSeconds:F1} s");
                var results = await ScorecardCommands.ImportAsync(db, Scorecards(), AuditActor.System, DateTimeOffset.UtcNow, false, ct);
                if (results.Any(r => r.Status != "created"))
                {
                    throw new InvalidOperationException(string.Join("; ", results.SelectMany(r => r.Errors)));
                }
            }
            int active;
            await using (var db = new PortalDbContext(options))
            {
                active = await db.CatalogEntities.CountAsync(e => e.OrphanedAt == null, ct);
            }

            var report = new StringBuilder();
            report.AppendLine(Inv($"# Scorecards scale: 5 scorecards × 20 rules over {active:N0} entities (every scorecard applies to every entity)")).AppendLine();
            report.AppendLine(Inv($"Command: `{Command} --entities {entities} --queries {baselineQueries}`; {Environment.ProcessorCount} cores; load average before: {LoadAverage()}")).AppendLine();
            report.AppendLine("| Step | Seconds | Results written | Catalog list p50 / p95 (ms) during, queries |");
            report.AppendLine("| --- | --- | --- | --- |");
            var before = await QueriesAsync(options, baselineQueries, null, ct);
            report.AppendLine(Inv($"| catalog list alone (baseline) | – | – | {Percentile(before, 0.5):F1} / {Percentile(before, 0.95):F1}, {before.Count} |"));
            foreach (var step in new[] { "first evaluation (every result new)", "second evaluation (nothing changed)" })
            {
                var watch = Stopwatch.StartNew();
                var evaluation = Task.Run(async () =>
                {
                    await using var db = new PortalDbContext(options);
                    return await ScorecardEvaluation.RunAsync(db, null, DateTimeOffset.UtcNow, ct);
                }, ct);
                var during = await QueriesAsync(options, int.MaxValue, evaluation, ct);
                var runs = await evaluation;
                watch.Stop();
                report.AppendLine(Inv($"| {step} | {watch.Elapsed.TotalSeconds:F1} | {runs.Sum(r => r.ChangedResults):N0} of {runs.Sum(r => r.Entities):N0} | {Percentile(during, 0.5):F1} / {Percentile(during, 0.95):F1}, {during.Count} |"));
                Progress($"{step}: {watch.Elapsed.TotalSeconds:F1} s");
            }
            await using (var db = new PortalDbContext(options))
            {
                var size = await db.Database.SqlQueryRaw<long>("SELECT pg_total_relation_size('scorecard_results') AS \"Value\"").SingleAsync(ct);
                report.AppendLine().AppendLine(Inv($"scorecard_results after the runs: {size / 1024.0 / 1024.0:F0} MB; load average after: {LoadAverage()}"));
            }
            Console.WriteLine(report);
            return 0;
        }
        finally
        {
            server?.Dispose();
            TestCluster.TryDelete(dataDirectory);
            TestCluster.TryDelete(filesDirectory);
        }
    }

    /// <summary>Runs the catalog list query (production components by name, first page of 50) until <paramref name="until"/> ends, or <paramref name="count"/> times.</summary>
    private static async Task<List<double>> QueriesAsync(DbContextOptions<PortalDbContext> options, int count, Task? until, CancellationToken ct)
    {
        var samples = new List<double>();
        await using var db = new PortalDbContext(options);
        for (var i = 0; i < count && (until is null || !until.IsCompleted); i++)
        {
            var watch = Stopwatch.StartNew();
            await CatalogSearch.QueryAsync(db, new CatalogQuery(ListFilters, null, "metadata.name", 50), ct);
            samples.Add(watch.Elapsed.TotalMilliseconds);
        }
        samples.Sort();
        return samples;
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : Portal.Web.Features.Environments.EnvironmentFigures.Percentile(sorted, p);

    /// <summary>Five scorecards, each with 20 rules over three levels, drawn from every catalog check with varied parameters.</summary>
    internal static string Scorecards()
    {
        string[] rules =
        [
            "check: owner.team",
            "check: field.present\n      params: { field: description }",
            "check: field.present\n      params: { field: type }",
            "check: field.present\n      params: { field: lifecycle }",
            "check: field.present\n      params: { field: system }",
            "check: field.present\n      params: { field: tags }",
            "check: lifecycle.in\n      params: { values: [production, experimental] }",
            "check: annotation.present\n      params: { annotation: backstage.io/techdocs-ref }",
            "check: cost.withinBudget",
            "check: template.created",
            "check: link.present\n      params: { match: repository }",
            "check: link.present\n      params: { match: runbook }",
            "check: link.present\n      params: { match: dashboard }",
            "check: relation.present\n      params: { relation: providesApi }",
            "check: environment.compliant",
            "check: relation.present\n      params: { relation: dependsOn, min: 2 }",
            "check: slo.defined",
            "check: telemetry.recent\n      params: { hours: 24 }",
            "check: environment.present",
            "check: cost.taggedShare\n      params: { minPercent: 80 }",
        ];
        var text = new StringBuilder();
        for (var card = 1; card <= 5; card++)
        {
            text.Append(Inv($"""
                apiVersion: portal/v1
                kind: Scorecard
                metadata:
                  name: scale-{card}
                  title: Scale {card}
                spec:
                  owner: platform
                  levels: [Bronze, Silver, Gold]
                  rules:

                """));
            for (var i = 0; i < rules.Length; i++)
            {
                // Each card starts its rotation elsewhere, so the five differ in which rules sit at which level.
                var rule = rules[(i + card * 3) % rules.Length];
                var level = i < 7 ? "Bronze" : i < 14 ? "Silver" : "Gold";
                text.Append(Inv($"    - id: r{i + 1}\n      title: Rule {i + 1}\n      level: {level}\n      {rule}\n      howToFix: Fix rule {i + 1}.\n"));
            }
            text.Append("---\n");
        }
        return text.ToString();
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

    private static string Inv(FormattableString text) => FormattableString.Invariant(text);

    private static void Progress(string message) => Console.Error.WriteLine("[scorecards-scale] " + message);
}
