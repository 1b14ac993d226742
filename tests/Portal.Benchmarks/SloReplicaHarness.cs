using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Npgsql;
using Portal.TestSupport;
using Portal.Web.Features.Environments;
using Portal.Web.Features.Slo.Ingestion;
using Portal.Web.Features.Slo.Otlp.Collector;
using Portal.Web.Features.Slo.Otlp.Common;
using Portal.Web.Features.Slo.Otlp.Metrics;

namespace Portal.Benchmarks;

/// <summary>
/// OTLP ingestion on 1 and on 2 real portal replicas sharing one PostgreSQL, in the same run (issue 25):
/// <code>dotnet run -c Release --project tests/Portal.Benchmarks -- slo-ingest --replicas 1,2 [--services 8] [--streams 2000] [--batches 1500] [--warmup 500]</code>
/// Each round starts a fresh database (<see cref="PortalReplicas"/>: migrate, then the replicas at once) and sends the same load:
/// <c>--services</c> services, each in its own ingestion partition, each with the default availability and latency SLOs and
/// one exporter of its own (as an instrumented service has: one export in flight at a time), 1,000 cumulative histogram
/// points per export over <c>--streams</c> live streams per service. A service always goes to the same replica (replica =
/// service index mod replicas), as the OpenTelemetry Collector's load-balancing exporter routes by <c>service.name</c>
/// (docs/operations.md). Reports points/s for each round and the ratio, the CPU seconds of the replicas and of PostgreSQL,
/// and a profile of the partition locks sampled from <c>pg_locks</c> every 20 ms: how often each partition was held and
/// waited for, and how often several partitions were held at the same moment (never, under the single lock of old).
/// </summary>
public static class SloReplicaHarness
{
    private const string Command = "dotnet run -c Release --project tests/Portal.Benchmarks -- slo-ingest";
    private const int PointsPerBatch = 1_000;

    public static async Task<int> RunAsync(string[] args)
    {
        var at = Array.IndexOf(args, "--replicas");
        var rounds = args[at + 1].Split(',').Select(r => int.Parse(r, CultureInfo.InvariantCulture)).ToList();
        var serviceCount = HarnessArgs.Number(args, "--services", 8);
        var streams = HarnessArgs.Number(args, "--streams", 2_000);
        var batches = HarnessArgs.Number(args, "--batches", 1_500);
        var warmup = HarnessArgs.Number(args, "--warmup", 500);
        var services = ServicesInDistinctPartitions(serviceCount);
        var load = File.ReadAllText("/proc/loadavg").Split(' ')[..3];
        Console.Error.WriteLine($"services: {string.Join(", ", services.Select(s => $"{s} (partition {StreamPartitions.Of(s)})"))}; load average {string.Join(' ', load)}");
        var results = new List<(int Replicas, double PointsPerSecond, string Line)>();
        foreach (var replicaCount in rounds)
        {
            results.Add(await RoundAsync(replicaCount, services, streams, batches, warmup));
        }
        Console.WriteLine($"# {Command} --replicas {string.Join(',', rounds)} --services {serviceCount} --streams {streams} --batches {batches} --warmup {warmup}");
        Console.WriteLine($"load average at the start: {string.Join(' ', load)}; at the end: {string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ')[..3])}; {Environment.ProcessorCount} cores");
        foreach (var (_, _, line) in results)
        {
            Console.WriteLine(line);
        }
        var one = results.Where(r => r.Replicas == 1).Select(r => r.PointsPerSecond).Order().ToList();
        var two = results.Where(r => r.Replicas == 2).Select(r => r.PointsPerSecond).Order().ToList();
        if (one.Count > 0 && two.Count > 0)
        {
            Console.WriteLine($"ratio 2 replicas / 1 replica (medians): {EnvironmentFigures.Percentile(two, 0.5) / EnvironmentFigures.Percentile(one, 0.5):0.00}");
        }
        return 0;
    }

    /// <summary>Service names whose streams fall in different partitions (so they may ingest in parallel).</summary>
    private static List<string> ServicesInDistinctPartitions(int count)
    {
        var services = new List<string>();
        for (var i = 0; services.Count < count; i++)
        {
            var name = $"ingest-{i}";
            if (services.All(s => StreamPartitions.Of(s) != StreamPartitions.Of(name)))
            {
                services.Add(name);
            }
        }
        return services;
    }

    private static async Task<(int, double, string)> RoundAsync(int replicaCount, List<string> services, int streams, int batches, int warmup)
    {
        await using var replicas = await PortalReplicas.StartAsync(replicaCount, new Dictionary<string, string?> { ["Logging__LogLevel__Default"] = "Warning" });
        using (var admin = replicas.AdminClient())
        {
            foreach (var service in services)
            {
                using var created = await admin.PostAsJsonAsync("/api/catalog/entities", JsonNode.Parse($$"""
                    {"apiVersion": "backstage.io/v1alpha1", "kind": "Component", "metadata": {"name": "{{service}}"},
                     "spec": {"type": "service", "lifecycle": "production", "owner": "team-ingest"} }
                    """));
                created.EnsureSuccessStatusCode();
                using var defaults = await admin.PostAsync($"/api/slos/defaults?component=component:default/{service}", null);
                defaults.EnsureSuccessStatusCode();
            }
        }
        // One client per replica; a service always to the same replica.
        var clients = Enumerable.Range(0, replicaCount).Select(i => replicas.AdminClient(replicas[i].BaseAddress)).ToList();
        foreach (var client in clients)
        {
            client.Timeout = TimeSpan.FromMinutes(5);
        }
        var start = OtlpReader.ToUnixNano(DateTimeOffset.UtcNow.AddHours(-1));
        var sent = new int[services.Count];
        byte[] Batch(int service, int b)
        {
            var now = OtlpReader.ToUnixNano(DateTimeOffset.UtcNow);
            var histogram = new Histogram { AggregationTemporality = AggregationTemporality.Cumulative };
            var cumulative = (ulong)(b / Math.Max(1, streams / PointsPerBatch) + 1) * 3;
            for (var i = 0; i < PointsPerBatch; i++)
            {
                var stream = (b * PointsPerBatch + i) % streams;
                var point = new HistogramDataPoint { StartTimeUnixNano = (ulong)start, TimeUnixNano = (ulong)now, Count = cumulative, Sum = cumulative * 0.02 };
                point.BucketCounts.AddRange([cumulative - 1, 1UL]);
                point.ExplicitBounds.Add(0.1);
                point.Attributes.Add(new KeyValue { Key = "http.route", Value = new AnyValue { StringValue = "/r/" + stream.ToString(CultureInfo.InvariantCulture) } });
                point.Attributes.Add(new KeyValue { Key = "http.response.status_code", Value = new AnyValue { IntValue = 200 } });
                histogram.DataPoints.Add(point);
            }
            var request = new ExportMetricsServiceRequest();
            request.ResourceMetrics.Add(OtlpExports.Resource(services[service], new Metric { Name = OtlpReader.HttpServerDuration, Unit = "s", Histogram = histogram }));
            return request.ToByteArray();
        }
        async Task SendAsync(int service)
        {
            var content = new ByteArrayContent(Batch(service, sent[service]++));
            content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
            using var response = await clients[service % replicaCount].PostAsync("/v1/metrics", content);
            response.EnsureSuccessStatusCode();
        }
        // Every service's exporter sends one export at a time; the exports of all services share one budget.
        async Task<(double Seconds, int[] PerService)> RunAsync(int total)
        {
            var left = total;
            var done = new int[services.Count];
            var watch = Stopwatch.StartNew();
            await Task.WhenAll(services.Select((_, s) => Task.Run(async () =>
            {
                while (Interlocked.Decrement(ref left) >= 0)
                {
                    await SendAsync(s);
                    done[s]++;
                }
            })));
            return (watch.Elapsed.TotalSeconds, done);
        }
        // Every stream once, then the warm-up (JIT tiers, GC heap sizes, connection pools), then the measured load.
        await RunAsync(services.Count * Math.Max(1, streams / PointsPerBatch));
        await RunAsync(warmup);
        await using var sampler = new LockSampler(replicas.ConnectionString);
        var postmaster = await PostmasterAsync(replicas.ConnectionString);
        var cpuBefore = Cpu(replicas, postmaster);
        sampler.Start();
        var (seconds, perService) = await RunAsync(batches);
        await sampler.StopAsync();
        var cpuAfter = Cpu(replicas, postmaster);
        foreach (var client in clients)
        {
            client.Dispose();
        }
        var pointsPerSecond = batches * PointsPerBatch / seconds;
        var line = $"{replicaCount} replica{(replicaCount == 1 ? "" : "s")}: {pointsPerSecond:0} points/s ({batches} exports of {PointsPerBatch} points in {seconds:0.0} s; " +
            $"exports per service {string.Join('/', perService)}); CPU over the measured load: replicas {string.Join(" + ", cpuAfter.Replicas.Zip(cpuBefore.Replicas, (a, b) => $"{a - b:0.0}"))} s, " +
            $"PostgreSQL {cpuAfter.Postgres - cpuBefore.Postgres:0.0} s, this harness {cpuAfter.Harness - cpuBefore.Harness:0.0} s\n  locks: {sampler.Report(services)}";
        Console.Error.WriteLine(line);
        return (replicaCount, pointsPerSecond, line);
    }

    /// <summary>The PostgreSQL server's main process: the parent of a backend (pg_ctl daemonizes it).</summary>
    private static async Task<int> PostmasterAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_backend_pid()", connection);
        var backend = (int)(await command.ExecuteScalarAsync())!;
        var stat = await File.ReadAllTextAsync($"/proc/{backend}/stat");
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
    }

    /// <summary>CPU seconds (user + system) of each replica, of the PostgreSQL server (the postmaster and its children) and of this process.</summary>
    private static (double[] Replicas, double Postgres, double Harness) Cpu(PortalReplicas replicas, int postmaster)
    {
        var stats = new Dictionary<int, (int Parent, string Name, double Seconds)>();
        foreach (var proc in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(proc), out var pid))
            {
                continue;
            }
            try
            {
                var stat = File.ReadAllText(Path.Combine(proc, "stat"));
                var name = stat[(stat.IndexOf('(') + 1)..stat.LastIndexOf(')')];
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                stats[pid] = (int.Parse(fields[1], CultureInfo.InvariantCulture), name,
                    (double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture)) / 100);
            }
            catch (IOException)
            {
                // ended meanwhile
            }
        }
        var self = Environment.ProcessId;
        var postgres = stats.Where(s => s.Key == postmaster || s.Value.Parent == postmaster).Sum(s => s.Value.Seconds);
        var portal = Enumerable.Range(0, replicas.Count).Select(i => stats.TryGetValue(replicas[i].ProcessId, out var s) ? s.Seconds : 0).ToArray();
        return (portal, postgres, stats.TryGetValue(self, out var me) ? me.Seconds : 0);
    }

    /// <summary>
    /// Samples the ingestion partitions' advisory locks (<see cref="StreamPartitions.LockKey"/>) in <c>pg_locks</c>: per
    /// sample, which partitions are held and which are waited for.
    /// </summary>
    private sealed class LockSampler(string connectionString) : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly int[] _held = new int[StreamPartitions.Count];
        private readonly int[] _waited = new int[StreamPartitions.Count];
        private readonly int[] _concurrency = new int[StreamPartitions.Count + 1];
        private int _samples, _otherWaits;
        private Task? _loop;

        public void Start() => _loop = Task.Run(LoopAsync);

        private async Task LoopAsync()
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            // A bigint advisory key is (classid = high 32 bits, objid = low 32 bits, objsubid = 1).
            var first = StreamPartitions.LockKey(0);
            await using var command = new NpgsqlCommand("""
                SELECT ((classid::bigint << 32) | objid::bigint) - $1 AS p, granted FROM pg_locks
                WHERE locktype = 'advisory' AND objsubid = 1 AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                """, connection);
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = first });
            await command.PrepareAsync();
            while (!_stop.IsCancellationRequested)
            {
                var held = new HashSet<long>();
                await using (var reader = await command.ExecuteReaderAsync())
                {
                    while (await reader.ReadAsync())
                    {
                        var (p, granted) = (reader.GetInt64(0), reader.GetBoolean(1));
                        if (p is < 0 or >= StreamPartitions.Count)
                        {
                            _otherWaits += granted ? 0 : 1; // a component lock (or another feature's)
                            continue;
                        }
                        if (granted)
                        {
                            _held[p]++;
                            held.Add(p);
                        }
                        else
                        {
                            _waited[p]++;
                        }
                    }
                }
                _concurrency[held.Count]++;
                _samples++;
                try
                {
                    await Task.Delay(20, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            if (_loop is not null)
            {
                await _loop;
            }
        }

        public string Report(List<string> services)
        {
            var perService = services.Select(s => StreamPartitions.Of(s)).Select(p =>
                $"p{p} held {_held[p] * 100.0 / _samples:0}% waited {_waited[p] * 100.0 / _samples:0.0}%");
            var several = _concurrency.Skip(2).Sum();
            var busy = _concurrency.Skip(1).Sum();
            return $"{_samples} samples; partitions held at once: " +
                string.Join(", ", _concurrency.Select((n, k) => (n, k)).Where(c => c.n > 0).Select(c => $"{c.k}: {c.n * 100.0 / _samples:0}%")) +
                $" (2 or more in {(busy == 0 ? 0 : several * 100.0 / busy):0}% of the samples with any held); per service's partition: {string.Join("; ", perService)}; " +
                $"waits on other advisory locks (components): {_otherWaits}";
        }

        public async ValueTask DisposeAsync()
        {
            await StopAsync();
            _stop.Dispose();
        }
    }
}
