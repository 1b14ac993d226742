using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Google.Protobuf;
using Portal.IntegrationTests.Foundation;
using Portal.TestSupport;
using Portal.Web.Features.Identity;
using Portal.Web.Features.Slo;
using Portal.Web.Features.Slo.Otlp.Collector;
using Portal.Web.Features.Slo.Otlp.Common;
using Portal.Web.Features.Slo.Otlp.Metrics;
using Portal.Web.Features.Slo.Otlp.Resource;
using Portal.Web.Features.Slo.Ingestion;

namespace Portal.IntegrationTests.Slo;

/// <summary>
/// kill -9 during sustained ingestion of one cumulative stream: every batch answered 200 is counted exactly once after
/// the restart, the batch in flight is counted once or not at all, and its retry (as an exporter retries) is not double counted.
/// </summary>
[Collection(PortalProcessCollection.Name)]
public sealed class IngestionRestartTests
{
    private static readonly DateTimeOffset Base = SloMath.MinuteOf(DateTimeOffset.UtcNow).AddHours(-6);
    private static long Increment(int k) => k + 1;
    private static long Cumulative(int k) => (long)(k + 1) * (k + 2) / 2;

    [Fact]
    public async Task Batches_answered_before_a_kill_are_counted_exactly_once_after_restart()
    {
        var dir = TestCluster.NewDataDirectory("portal");
        var token = ApiTokenSecret.New();
        var settings = new Dictionary<string, string?> { ["Portal__BootstrapAdminToken"] = token };
        try
        {
            var acknowledged = new ConcurrentBag<int>();
            var first = await PortalProcess.StartAsync(dir, settings);
            using (var client = Client(first, token))
            {
                var sending = Task.Run(async () =>
                {
                    for (var k = 0; k < 300; k++)
                    {
                        try
                        {
                            var response = await client.PostAsync("/v1/metrics", Batch(k));
                            if (!response.IsSuccessStatusCode)
                            {
                                return;
                            }
                            acknowledged.Add(k);
                        }
                        catch (HttpRequestException)
                        {
                            return;
                        }
                    }
                });
                await Wait.UntilAsync(() => acknowledged.Count >= 40, TimeSpan.FromSeconds(60), "40 batches to be answered");
                first.KillHard();
                await sending;
            }
            await first.DisposeAsync();
            var lastAcknowledged = acknowledged.Max();

            await using var second = await PortalProcess.StartAsync(dir, settings);
            using var again = Client(second, token);
            // The exporter retries what it got no answer for, then carries on.
            (await again.PostAsync("/v1/metrics", Batch(lastAcknowledged + 1))).EnsureSuccessStatusCode();
            (await again.PostAsync("/v1/metrics", Batch(lastAcknowledged + 2))).EnsureSuccessStatusCode();

            var red = (await again.GetFromJsonAsync<List<RedPoint>>(
                $"/api/slo/services/default/cart-service/red?from={Uri.EscapeDataString(Base.ToString("O"))}&to={Uri.EscapeDataString(Base.AddMinutes(400).ToString("O"))}&stepMinutes=1",
                JsonSerializerOptions.Web))!;
            var byMinute = red.ToDictionary(p => (int)(p.At - Base).TotalMinutes, p => p.Requests);
            for (var k = 0; k <= lastAcknowledged + 2; k++)
            {
                Assert.True(byMinute.GetValueOrDefault(k) == Increment(k), $"minute {k}: {byMinute.GetValueOrDefault(k)} requests, expected {Increment(k)}");
            }
            Assert.Equal(lastAcknowledged + 3, byMinute.Count);
        }
        finally
        {
            TestCluster.TryDelete(dir);
        }
    }

    private static HttpClient Client(PortalProcess portal, string token)
    {
        var client = new HttpClient { BaseAddress = portal.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Batch k: the stream's cumulative count at minute k (it grew by k + 1 during that minute).</summary>
    private static ByteArrayContent Batch(int k)
    {
        var point = new HistogramDataPoint
        {
            StartTimeUnixNano = (ulong)OtlpReader.ToUnixNano(Base.AddMinutes(-1)),
            TimeUnixNano = (ulong)OtlpReader.ToUnixNano(Base.AddMinutes(k).AddSeconds(30)),
            Count = (ulong)Cumulative(k), Sum = Cumulative(k) * 0.01,
        };
        point.BucketCounts.AddRange([(ulong)Cumulative(k), 0UL]);
        point.ExplicitBounds.Add(0.1);
        point.Attributes.Add(new KeyValue { Key = "http.response.status_code", Value = new AnyValue { IntValue = 200 } });
        var histogram = new Histogram { AggregationTemporality = AggregationTemporality.Cumulative };
        histogram.DataPoints.Add(point);
        var request = OtlpExports.RequestDurations("cart-service", histogram);
        var content = new ByteArrayContent(request.ToByteArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        return content;
    }
}
