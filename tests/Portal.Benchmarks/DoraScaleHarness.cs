using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using Portal.TestSupport;
using Portal.Web.Data;
using Portal.Web.Features.Delivery;
using Portal.Web.Features.Environments;

// Random only makes test data; a fixed seed keeps runs comparable.
#pragma warning disable CA5394

namespace Portal.Benchmarks;

/// <summary>
/// The DORA figures over a year of delivery history, through the real query on the test cluster:
/// <code>dotnet run -c Release --project tests/Portal.Benchmarks -- dora-scale [--components 1000] [--deployments 1000000] [--queries 30]</code>
/// Writes the deployments (production, with one to three commits, ~8 % failed, ~2 % rolled back) and as many builds
/// by binary COPY and one incident per 100 deployments, rebuilds the per-day rollup, then measures p50/p95 of the figures for a component (exact), a team of
/// 50 components and the organisation (rollup) over 30, 90 and 365 days, and what one event's rollup refresh costs.
/// </summary>
public static class DoraScaleHarness
{
    private const string Command = "dotnet run -c Release --project tests/Portal.Benchmarks -- dora-scale";

    public static async Task<int> RunAsync(string[] args)
    {
        var components = HarnessArgs.Number(args, "--components", 1000);
        var deployments = HarnessArgs.Number(args, "--deployments", 1_000_000);
        var queries = HarnessArgs.Number(args, "--queries", 30);
        var connection = TestCluster.CreateDatabase();
        var options = new DbContextOptionsBuilder<PortalDbContext>().UseNpgsql(connection, npgsql => npgsql.CommandTimeout(600)).UseSnakeCaseNamingConvention().Options;
        await using (var setup = new PortalDbContext(options))
        {
            await setup.Database.MigrateAsync();
        }
        var to = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        var load = Stopwatch.StartNew();
        await using (var npgsql = new NpgsqlConnection(connection))
        {
            await npgsql.OpenAsync();
            await GenerateAsync(npgsql, components, deployments, to);
            // Incidents (as many as one per 100 deployments: ten a year per component), each mitigated 1-7 hours after it
            // opened, at random times: those within a day after a deployment fail it and time its restore.
            await using (var incidents = new NpgsqlCommand("""
                INSERT INTO incidents (id, title, component_ref, severity, status, triggered_at, mitigated_at, resolved_at, escalation_level)
                SELECT gen_random_uuid(), 'benchmark', 'component:default/service-' || lpad((g % @components)::text, 4, '0'), 'page', 'resolved',
                  t, t + interval '1 hour' * (1 + g % 7), t + interval '1 hour' * (2 + g % 7), 0
                FROM (SELECT g, @to - random() * interval '365 days' AS t FROM generate_series(1, @count) g) s
                """, npgsql))
            {
                incidents.Parameters.AddWithValue("components", components);
                incidents.Parameters.AddWithValue("to", to);
                incidents.Parameters.AddWithValue("count", Math.Max(1, deployments / 100));
                await incidents.ExecuteNonQueryAsync();
            }
            await using var analyze = new NpgsqlCommand("ANALYZE delivery_deployments; ANALYZE delivery_builds; ANALYZE incidents", npgsql);
            await analyze.ExecuteNonQueryAsync();
        }
        Console.Error.WriteLine($"Wrote {deployments:N0} deployments and builds in {load.Elapsed.TotalSeconds:0.0} s");

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"Command: `{Command} --components {components} --deployments {deployments} --queries {queries}`  ");
        report.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}  ");
        report.AppendLine();
        report.AppendLine("| Query | p50 (ms) | p95 (ms) | max (ms) | deployments counted |");
        report.AppendLine("|---|---:|---:|---:|---:|");
        var delivery = new DeliveryOptions();
        var team = Enumerable.Range(0, Math.Min(50, components)).Select(Ref).ToList();
        await using (var db = new PortalDbContext(options))
        {
            var npgsql = (NpgsqlConnection)db.Database.GetDbConnection();
            var rebuild = Stopwatch.StartNew();
            await DeliveryRollup.RebuildAsync(db, delivery, CancellationToken.None);
            var rebuildSeconds = rebuild.Elapsed.TotalSeconds;
            Console.Error.WriteLine($"Rebuilt the rollup in {rebuildSeconds:0.0} s");
            foreach (var days in new[] { 30, 90, 365 })
            {
                await MeasureAsync(report, $"one component, {days} days (exact)", queries,
                    () => DeliveryQueries.FiguresAsync(db, delivery, Ref(7), null, to.AddDays(-days), to, CancellationToken.None));
            }
            foreach (var days in new[] { 30, 90, 365 })
            {
                await MeasureAsync(report, $"team of 50 components, {days} days (rollup)", queries,
                    () => DeliveryQueries.RolledUpAsync(npgsql, team, to.AddDays(-days), to, CancellationToken.None));
            }
            foreach (var days in new[] { 30, 90, 365 })
            {
                await MeasureAsync(report, $"organisation, {days} days (rollup)", queries,
                    () => DeliveryQueries.FiguresAsync(db, delivery, null, null, to.AddDays(-days), to, CancellationToken.None));
            }
            var refreshAt = to.AddDays(-100);
            await MeasureAsync(report, "organisation, 365 days as 12 trend spans (/insights)", queries,
                async () => (await DeliveryQueries.TrendAsync(db, delivery, to.AddDays(-365), to, 12, CancellationToken.None))[^1]);
            await MeasureAsync(report, "rollup refresh after an incident opened or mitigated", queries, async () =>
            {
                await DeliveryRollup.RefreshForIncidentsAsync(db, delivery, [(Ref(11), refreshAt)], CancellationToken.None);
                return DoraMath.Figures(new DoraTotals(0, null, 0, 0, 0, null, 0, null, 0, 0), refreshAt, to);
            });
            // What an event costs on top of storing it: its component's ±30 days recomputed, the organisation's changed days re-summed.
            await MeasureAsync(report, "rollup refresh after one deployment event", queries, async () =>
            {
                await DeliveryRollup.RefreshAsync(db, delivery, Ref(11), refreshAt, refreshAt, true, CancellationToken.None);
                return DoraMath.Figures(new DoraTotals(0, null, 0, 0, 0, null, 0, null, 0, 0), refreshAt, to);
            });
            report.AppendLine();
            report.AppendLine(CultureInfo.InvariantCulture, $"Rollup rebuild from {deployments:N0} deployments and builds: {rebuildSeconds:0.0} s.  ");
            var exactYear = Stopwatch.StartNew();
            var exact = await DeliveryQueries.ExactAsync(db, delivery, null, to.AddDays(-365), to, CancellationToken.None);
            var rolled = await DeliveryQueries.FiguresAsync(db, delivery, null, null, to.AddDays(-365), to, CancellationToken.None);
            report.AppendLine(CultureInfo.InvariantCulture,
                $"Organisation's year, exact ({exactYear.Elapsed.TotalMilliseconds:N0} ms once) vs rollup: deployments {exact.Deployments:N0} / {rolled.Deployments:N0}, "
                + $"failed changes {exact.FailedChanges:N0} / {rolled.FailedChanges:N0}, lead-time commits {exact.LeadTimeCommits:N0} / {rolled.LeadTimeCommits:N0}, "
                + $"median lead time {exact.LeadTimeHours:0.000} / {rolled.LeadTimeHours:0.000} h, median restore {exact.TimeToRestoreHours:0.000} / {rolled.TimeToRestoreHours:0.000} h.  ");
        }
        Console.WriteLine(report);
        Directory.CreateDirectory("BenchmarkDotNet.Artifacts");
        await File.WriteAllTextAsync(Path.Combine("BenchmarkDotNet.Artifacts", "dora-scale.md"), report.ToString());
        return 0;
    }

    private static string Ref(int i) => $"component:default/service-{i:D4}";

    private static async Task MeasureAsync(StringBuilder report, string name, int runs, Func<Task<DoraFigures>> query)
    {
        var figures = await query();
        for (var i = 0; i < 2; i++)
        {
            await query();
        }
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var clock = Stopwatch.StartNew();
            await query();
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        report.AppendLine(CultureInfo.InvariantCulture,
            $"| {name} | {EnvironmentFigures.Percentile(times, 0.5):0.0} | {EnvironmentFigures.Percentile(times, 0.95):0.0} | {times[^1]:0.0} | {figures.Deployments:N0} |");
        Console.Error.WriteLine($"{name}: p95 {EnvironmentFigures.Percentile(times, 0.95):0.0} ms ({figures.Deployments:N0} deployments, lead {figures.LeadTimeHours:0.0} h, CFR {figures.ChangeFailureRate:P1})");
    }

    private static async Task GenerateAsync(NpgsqlConnection connection, int components, int deployments, DateTimeOffset to)
    {
        var random = new Random(20_261_206);
        var start = to.AddDays(-365);
        var perComponent = Math.Max(1, deployments / components);
        var step = TimeSpan.FromDays(365) / perComponent;
        var now = DateTime.UtcNow;
        await using (var writer = await connection.BeginBinaryImportAsync(
            "COPY delivery_deployments (id, component_ref, run_id, environment, commit_sha, commits, status, rollback, started_at, finished_at, source, received_at, updated_at) FROM STDIN (FORMAT BINARY)"))
        {
            var sha = 0L;
            for (var c = 0; c < components; c++)
            {
                for (var i = 0; i < perComponent; i++)
                {
                    var finished = start + step * i + TimeSpan.FromMinutes(random.Next(60));
                    var status = random.NextDouble() < 0.08 ? DeliveryStatuses.Failed : DeliveryStatuses.Succeeded;
                    var rollback = status == DeliveryStatuses.Succeeded && random.NextDouble() < 0.02;
                    var commits = new StringBuilder("[");
                    var count = rollback ? 0 : 1 + random.Next(3);
                    for (var k = 0; k < count; k++)
                    {
                        var at = finished - TimeSpan.FromHours(1 + random.NextDouble() * 72);
                        commits.Append(CultureInfo.InvariantCulture, $"{(k == 0 ? "" : ",")}{{\"sha\":\"{++sha:x40}\",\"committedAt\":\"{at.UtcDateTime:O}\"}}");
                    }
                    commits.Append(']');
                    await writer.StartRowAsync();
                    await writer.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
                    await writer.WriteAsync(Ref(c), NpgsqlDbType.Varchar);
                    await writer.WriteAsync($"deploy-{i}", NpgsqlDbType.Varchar);
                    await writer.WriteAsync("prod", NpgsqlDbType.Varchar);
                    await writer.WriteAsync($"{sha:x40}", NpgsqlDbType.Varchar);
                    await writer.WriteAsync(commits.ToString(), NpgsqlDbType.Jsonb);
                    await writer.WriteAsync(status, NpgsqlDbType.Varchar);
                    await writer.WriteAsync(rollback, NpgsqlDbType.Boolean);
                    await writer.WriteAsync((finished - TimeSpan.FromMinutes(5 + random.Next(20))).UtcDateTime, NpgsqlDbType.TimestampTz);
                    await writer.WriteAsync(finished.UtcDateTime, NpgsqlDbType.TimestampTz);
                    await writer.WriteAsync("api", NpgsqlDbType.Varchar);
                    await writer.WriteAsync(now, NpgsqlDbType.TimestampTz);
                    await writer.WriteAsync(now, NpgsqlDbType.TimestampTz);
                }
            }
            await writer.CompleteAsync();
        }
        await using (var writer = await connection.BeginBinaryImportAsync(
            "COPY delivery_builds (id, component_ref, run_id, pipeline, commit_sha, status, started_at, finished_at, source, received_at, updated_at) FROM STDIN (FORMAT BINARY)"))
        {
            for (var c = 0; c < components; c++)
            {
                for (var i = 0; i < perComponent; i++)
                {
                    var finished = start + step * i;
                    await writer.StartRowAsync();
                    await writer.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
                    await writer.WriteAsync(Ref(c), NpgsqlDbType.Varchar);
                    await writer.WriteAsync($"build-{i}", NpgsqlDbType.Varchar);
                    await writer.WriteAsync("ci", NpgsqlDbType.Varchar);
                    await writer.WriteAsync("0", NpgsqlDbType.Varchar);
                    await writer.WriteAsync(random.NextDouble() < 0.9 ? DeliveryStatuses.Succeeded : DeliveryStatuses.Failed, NpgsqlDbType.Varchar);
                    await writer.WriteAsync((finished - TimeSpan.FromMinutes(8)).UtcDateTime, NpgsqlDbType.TimestampTz);
                    await writer.WriteAsync(finished.UtcDateTime, NpgsqlDbType.TimestampTz);
                    await writer.WriteAsync("api", NpgsqlDbType.Varchar);
                    await writer.WriteAsync(now, NpgsqlDbType.TimestampTz);
                    await writer.WriteAsync(now, NpgsqlDbType.TimestampTz);
                }
            }
            await writer.CompleteAsync();
        }
    }
}
