using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using Google.Protobuf;
using Portal.TestSupport;
using Portal.Web.Features.Environments;
using Portal.Web.Features.Identity;
using Portal.Web.Features.Slo;
using Portal.Web.Features.Slo.Otlp.Collector;
using Portal.Web.Features.Slo.Otlp.Common;
using Portal.Web.Features.Slo.Otlp.Metrics;
using Portal.Web.Features.Slo.Otlp.Resource;
using Portal.Web.Features.Slo.Ingestion;

namespace Portal.Benchmarks;

/// <summary>
/// OTLP ingestion throughput against the real portal process:
/// <code>dotnet run -c Release --project tests/Portal.Benchmarks -- slo-ingest [--streams 10000] [--batches 200] [--warmup 0] [--profile]</code>
/// Protobuf exports of 1,000 cumulative histogram points each, cycling over the given number of live streams
/// (distinct attribute sets of http.server.request.duration on demo components), sent by 4 concurrent clients.
/// Each component has the default availability and latency SLOs. Reports points/s over the run and the response-time percentiles.
/// </summary>
public static class SloIngestionHarness
{
    private const string Command = "dotnet run -c Release --project tests/Portal.Benchmarks -- slo-ingest";
    private const int PointsPerBatch = 1_000;

    public static async Task<int> RunAsync(string[] args)
    {
        var streams = HarnessArgs.Number(args, "--streams", 10_000);
        var batches = HarnessArgs.Number(args, "--batches", 200);
        var warmup = HarnessArgs.Number(args, "--warmup", 0);
        var profile = args.Contains("--profile");
        var dir = TestCluster.NewDataDirectory("slo-bench");
        var token = ApiTokenSecret.New();
        try
        {
            await using var portal = await PortalProcess.StartAsync(dir, new Dictionary<string, string?>
            {
                ["Portal__BootstrapAdminToken"] = token,
                ["Logging__LogLevel__Default"] = "Warning",
                // --profile: statement statistics, and the plans of a sample of the slower statements in the server log.
                ["Portal__EmbeddedPostgres__ServerSettings__shared_preload_libraries"] = profile ? "pg_stat_statements,auto_explain" : null,
                ["Portal__EmbeddedPostgres__ServerSettings__auto_explain.log_min_duration"] = profile ? "5" : null,
                ["Portal__EmbeddedPostgres__ServerSettings__auto_explain.log_analyze"] = profile ? "on" : null,
                ["Portal__EmbeddedPostgres__ServerSettings__auto_explain.log_buffers"] = profile ? "on" : null,
                ["Portal__EmbeddedPostgres__ServerSettings__auto_explain.log_wal"] = profile ? "on" : null,
                ["Portal__EmbeddedPostgres__ServerSettings__auto_explain.sample_rate"] = profile ? "0.01" : null,
            });
            using var http = new HttpClient { BaseAddress = portal.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var services = new[] { "cart-service", "order-service", "pricing-engine", "payment-gateway", "product-service" };
            var start = OtlpReader.ToUnixNano(DateTimeOffset.UtcNow.AddHours(-1));
            byte[] Batch(int b)
            {
                var now = OtlpReader.ToUnixNano(DateTimeOffset.UtcNow);
                var request = new ExportMetricsServiceRequest();
                foreach (var group in Enumerable.Range(0, PointsPerBatch).Select(i => (b * PointsPerBatch + i) % streams).GroupBy(s => s % services.Length))
                {
                    var histogram = new Histogram { AggregationTemporality = AggregationTemporality.Cumulative };
                    foreach (var stream in group)
                    {
                        var cumulative = (ulong)(b + 1) * 3;
                        var point = new HistogramDataPoint { StartTimeUnixNano = (ulong)start, TimeUnixNano = (ulong)now, Count = cumulative, Sum = cumulative * 0.02 };
                        point.BucketCounts.AddRange([cumulative, 0UL]);
                        point.ExplicitBounds.Add(0.1);
                        point.Attributes.Add(new KeyValue { Key = "http.route", Value = new AnyValue { StringValue = "/r/" + stream.ToString(CultureInfo.InvariantCulture) } });
                        point.Attributes.Add(new KeyValue { Key = "http.response.status_code", Value = new AnyValue { IntValue = 200 } });
                        histogram.DataPoints.Add(point);
                    }
                    request.ResourceMetrics.Add(OtlpExports.Resource(services[group.Key],
                        new Metric { Name = OtlpReader.HttpServerDuration, Unit = "s", Histogram = histogram }));
                }
                return request.ToByteArray();
            }
            async Task<double> SendAsync(int b)
            {
                var content = new ByteArrayContent(Batch(b));
                content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
                var clock = Stopwatch.StartNew();
                using var response = await http.PostAsync("/v1/metrics", content);
                response.EnsureSuccessStatusCode();
                return clock.Elapsed.TotalMilliseconds;
            }
            // Each component has the default availability and latency SLOs, so every export also adds to SLO counts.
            foreach (var service in services)
            {
                using var defaults = await http.PostAsync($"/api/slos/defaults?component=component:default/{service}", null);
                defaults.EnsureSuccessStatusCode();
            }
            // Every stream once (creates the stream state), then --warmup batches at full load, not measured: the JIT's
            // tiers and the GC's heap sizes settle in the first minute of load, and "sustained" means after that.
            for (var b = 0; b < streams / PointsPerBatch; b++)
            {
                await SendAsync(b);
            }
            var next = streams / PointsPerBatch - 1;
            var warmed = streams / PointsPerBatch + warmup;
            async Task<double> RunAsync(int until, System.Collections.Concurrent.ConcurrentBag<double> times)
            {
                var clock = Stopwatch.StartNew();
                await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
                {
                    int b;
                    while ((b = Interlocked.Increment(ref next)) < until)
                    {
                        times.Add(await SendAsync(b));
                    }
                }));
                return clock.Elapsed.TotalSeconds;
            }
            await RunAsync(warmed, []);
            next = warmed - 1;
            var cpuBefore = profile ? await ProfileStartAsync(dir, portal) : default;
            var times = new System.Collections.Concurrent.ConcurrentBag<double>();
            var seconds = await RunAsync(warmed + batches, times);
            var sorted = times.Order().ToList();
            Console.WriteLine($"# {Command} --streams {streams} --batches {batches} --warmup {warmup}");
            Console.WriteLine($"{batches} batches of {PointsPerBatch} points over {streams} live streams, 4 clients, after {warmup} unmeasured: {batches * PointsPerBatch / seconds:0} points/s; " +
                $"response p50 {EnvironmentFigures.Percentile(sorted, 0.5):0} ms, p99 {EnvironmentFigures.Percentile(sorted, 0.99):0} ms (goals: >= 100,000 points/s, p99 <= 100 ms)");
            if (profile)
            {
                await ProfileReportAsync(dir, portal, cpuBefore, seconds);
                var log = Path.Combine(Path.GetTempPath(), "slo-ingest-postgres.log");
                File.Copy(Path.Combine(dir, "data", "portal-server.log"), log, overwrite: true);
                Console.WriteLine($"PostgreSQL's log with sampled plans: {log}");
            }
            return 0;
        }
        finally
        {
            TestCluster.TryDelete(dir);
        }
    }

    // --profile: CPU seconds of the portal and of PostgreSQL over the measured phase, and where PostgreSQL spent them.
    private static string ConnectionString(string dir) => new Npgsql.NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = int.Parse(File.ReadLines(Path.Combine(dir, "data", "postmaster.pid")).ElementAt(3), CultureInfo.InvariantCulture),
        Username = "portal",
        Password = File.ReadAllText(Path.Combine(dir, "password")).Trim(),
        Database = "portal",
    }.ConnectionString;

    /// <summary>CPU seconds (user + system) of the portal and of every PostgreSQL process of this cluster.</summary>
    private static (double Portal, double Postgres) CpuSeconds(string dir, PortalProcess portal)
    {
        var postmaster = int.Parse(File.ReadLines(Path.Combine(dir, "data", "postmaster.pid")).First(), CultureInfo.InvariantCulture);
        double Ticks(string stat)
        {
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture)) / 100;
        }
        var postgres = 0.0;
        foreach (var proc in Directory.EnumerateDirectories("/proc").Where(d => int.TryParse(Path.GetFileName(d), out _)))
        {
            try
            {
                var stat = File.ReadAllText(Path.Combine(proc, "stat"));
                var parent = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
                if (parent == postmaster || Path.GetFileName(proc) == postmaster.ToString(CultureInfo.InvariantCulture))
                {
                    postgres += Ticks(stat);
                }
            }
            catch (IOException)
            {
                // the process ended meanwhile
            }
        }
        return (Ticks(File.ReadAllText($"/proc/{portal.ProcessId}/stat")), postgres);
    }

    private static async Task<(double Portal, double Postgres)> ProfileStartAsync(string dir, PortalProcess portal)
    {
        await using var connection = new Npgsql.NpgsqlConnection(ConnectionString(dir));
        await connection.OpenAsync();
        await using var reset = new Npgsql.NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT pg_stat_statements_reset(); SELECT pg_stat_reset(); SELECT pg_stat_reset_shared('wal')", connection);
        await reset.ExecuteNonQueryAsync();
        return CpuSeconds(dir, portal);
    }

    private static async Task ProfileReportAsync(string dir, PortalProcess portal, (double Portal, double Postgres) before, double seconds)
    {
        var after = CpuSeconds(dir, portal);
        Console.WriteLine($"CPU over {seconds:0.0} s: portal {after.Portal - before.Portal:0.0} s ({(after.Portal - before.Portal) / seconds:P0} of a core), " +
            $"PostgreSQL {after.Postgres - before.Postgres:0.0} s ({(after.Postgres - before.Postgres) / seconds:P0})");
        await using var connection = new Npgsql.NpgsqlConnection(ConnectionString(dir));
        await connection.OpenAsync();
        foreach (var sql in new[]
        {
            "SELECT round(total_exec_time)::text || ' ms', calls::text, round(mean_exec_time::numeric, 2)::text || ' ms/call', rows::text || ' rows', wal_bytes::text || ' WAL bytes', left(regexp_replace(query, '\\s+', ' ', 'g'), 140) FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 15",
            "SELECT relname, n_tup_ins::text || ' ins', n_tup_upd::text || ' upd', n_tup_hot_upd::text || ' hot', n_dead_tup::text || ' dead' FROM pg_stat_user_tables WHERE n_tup_ins + n_tup_upd > 0 ORDER BY n_tup_upd DESC",
            "SELECT wal_records::text || ' WAL records', wal_bytes::text || ' WAL bytes', wal_fpi::text || ' full pages', wal_sync::text || ' syncs' FROM pg_stat_wal",
        })
        {
            await using var command = new Npgsql.NpgsqlCommand(sql, connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                Console.WriteLine(string.Join(" | ", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "" : reader.GetValue(i).ToString())));
            }
        }
    }
}
