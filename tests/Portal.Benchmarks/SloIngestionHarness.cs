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

namespace Portal.Benchmarks;

/// <summary>
/// OTLP ingestion throughput against the real portal process:
/// <code>dotnet run -c Release --project tests/Portal.Benchmarks -- slo-ingest [--streams 10000] [--batches 200]</code>
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
        var dir = TestCluster.NewDataDirectory("slo-bench");
        var token = ApiTokenSecret.New();
        try
        {
            await using var portal = await PortalProcess.StartAsync(dir, new Dictionary<string, string?>
            {
                ["Portal__BootstrapAdminToken"] = token,
                ["Logging__LogLevel__Default"] = "Warning",
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
            // Warm-up: every stream once (creates the stream state), not measured.
            for (var b = 0; b < streams / PointsPerBatch; b++)
            {
                await SendAsync(b);
            }
            var times = new System.Collections.Concurrent.ConcurrentBag<double>();
            var next = streams / PointsPerBatch - 1;
            var total = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
            {
                int b;
                while ((b = Interlocked.Increment(ref next)) < streams / PointsPerBatch + batches)
                {
                    times.Add(await SendAsync(b));
                }
            }));
            var seconds = total.Elapsed.TotalSeconds;
            var sorted = times.Order().ToList();
            Console.WriteLine($"# {Command} --streams {streams} --batches {batches}");
            Console.WriteLine($"{batches} batches of {PointsPerBatch} points over {streams} live streams, 4 clients: {batches * PointsPerBatch / seconds:0} points/s; " +
                $"response p50 {EnvironmentFigures.Percentile(sorted, 0.5):0} ms, p99 {EnvironmentFigures.Percentile(sorted, 0.99):0} ms (goals: >= 100,000 points/s, p99 <= 100 ms)");
            return 0;
        }
        finally
        {
            TestCluster.TryDelete(dir);
        }
    }

}
