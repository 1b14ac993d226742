using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Portal.Web.Features.Identity;
using Portal.Web.Features.Slo;
using Portal.Web.Features.Slo.Otlp.Collector;
using Portal.Web.Features.Slo.Otlp.Common;
using Portal.Web.Features.Slo.Otlp.Metrics;
using Portal.Web.Features.Slo.Otlp.Resource;

namespace Portal.IntegrationTests.Slo;

/// <summary>
/// Thirty days of scripted minute traffic sent through the OTLP endpoint; every figure the API reports is checked
/// against the same figure computed here, independently, from the generated counts.
/// </summary>
public sealed class SloExactnessTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IAsyncLifetime
{
    private const int Days = 30;
    private const int MinutesInPeriod = Days * 1440;
    private const decimal Target = 0.999m;
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 30, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Now);
    private string _ingest = "";

    /// <summary>Minute i minutes before the current one: its requests and server errors.</summary>
    private static (long Requests, long Errors) Traffic(int i)
    {
        long requests = 100 + (i % 7) * 10;
        long errors = i switch
        {
            < 5 => requests / 5,                  // a fresh 20 % burst: the fast page (1 h burn 15.8 > 14.4)
            >= 300 and < 420 => requests * 2 / 100, // two hours at 2 %, five hours ago (6 h burn 5.8: just under 6)
            >= 5_000 and < 5_060 => requests / 2,  // an hour at 50 %, three and a half days ago (outside 3 d)
            _ => i % 20 == 0 ? 1 : 0,             // a trickle
        };
        return (requests, errors);
    }

    public async Task InitializeAsync()
    {
        factory.ReplaceServices = services => services.AddSingleton<TimeProvider>(_clock);
        await factory.SeedDemoAsync();
        (_, _ingest) = await factory.UserWithTokenAsync("ingest-exact", roles: [PortalRoles.Admin], scopes: [PortalScopes.SloIngest]);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Every_reported_figure_equals_the_one_computed_from_the_generated_traffic()
    {
        using var ingest = factory.ClientWithToken(_ingest);
        var current = SloMath.MinuteOf(Now);
        // Oldest first, 4,320 minutes (points) per export, as delta histograms stamped mid-minute.
        foreach (var chunk in Enumerable.Range(0, MinutesInPeriod).Reverse().Chunk(4_320))
        {
            var request = Export(chunk.Select(i => (current.AddMinutes(-i), Traffic(i))));
            var content = new ByteArrayContent(request.ToByteArray());
            content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
            var response = await ingest.PostAsync("/v1/metrics", content);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Null(ExportMetricsServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync()).PartialSuccess);
        }
        using var admin = factory.AdminClient();
        var created = await admin.PostAsJsonAsync("/api/slos", new
        {
            name = "orders-availability", component = "order-service", indicator = "availability", target = Target,
            window = new { kind = "rolling", days = Days },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();

        var slo = (await admin.GetFromJsonAsync<SloView>($"/api/slos/{id}", JsonSerializerOptions.Web))!;

        var (total, bad) = Window(MinutesInPeriod);
        Assert.Equal(total, slo.TotalEvents);
        Assert.Equal(total - bad, slo.GoodEvents);
        Assert.Equal((decimal)(total - bad) / total, slo.Sli!.Value, 20);
        Assert.Equal(1 - (decimal)bad / total / (1 - Target), slo.ErrorBudget.Remaining!.Value, 20);
        Assert.Equal((1 - Target) * total - bad, slo.ErrorBudget.RemainingEvents, 20);
        Assert.Equal(bad / ((1 - Target) * total), slo.ErrorBudget.Consumed!.Value, 20);
        foreach (var (name, minutes) in new[] { ("5m", 5), ("30m", 30), ("1h", 60), ("2h", 120), ("6h", 360), ("1d", 1440), ("3d", 4320), ("period", MinutesInPeriod) })
        {
            var (t, b) = Window(minutes);
            Assert.True(slo.BurnRates[name] is { } burn && Math.Abs(burn - (decimal)b / t / (1 - Target)) < 1e-18m, $"burn {name}: {slo.BurnRates[name]}");
        }
        // Page 14.4 (1h/5m), page 6 (6h/30m), ticket 3 (1d/2h), ticket 1 (3d/6h), each firing only when both windows burn faster.
        var expected = new[] { (60, 5, 14.4m), (360, 30, 6m), (1440, 120, 3m), (4320, 360, 1m) }
            .Select(r => Burns(r.Item1) > r.Item3 && Burns(r.Item2) > r.Item3).ToArray();
        Assert.Equal(expected, slo.Alerts.Select(a => a.Firing));
        Assert.Equal([true, false, false, true], expected); // the script really exercises both outcomes
        // Over the whole period the budget is spent (a burn of 1 or more), so the SLO is breached, not merely warned about.
        Assert.Equal(Burns(MinutesInPeriod) >= 1 ? "breached" : "warning", slo.Status);
    }

    private static decimal Burns(int minutes)
    {
        var (total, bad) = Window(minutes);
        return (decimal)bad / total / (1 - Target);
    }

    private static (long Total, long Bad) Window(int minutes)
    {
        long total = 0, bad = 0;
        for (var i = 0; i < minutes; i++)
        {
            var (r, e) = Traffic(i);
            total += r;
            bad += e;
        }
        return (total, bad);
    }

    private static ExportMetricsServiceRequest Export(IEnumerable<(DateTimeOffset Minute, (long Requests, long Errors) Traffic)> minutes)
    {
        var histogram = new Histogram { AggregationTemporality = AggregationTemporality.Delta };
        foreach (var (minute, (requests, errors)) in minutes)
        {
            foreach (var (count, status) in new[] { (requests - errors, 200L), (errors, 503L) })
            {
                if (count == 0)
                {
                    continue;
                }
                var point = new HistogramDataPoint
                {
                    StartTimeUnixNano = (ulong)OtlpReader.ToUnixNano(minute), TimeUnixNano = (ulong)OtlpReader.ToUnixNano(minute.AddSeconds(30)),
                    Count = (ulong)count, Sum = count * 0.05,
                };
                point.BucketCounts.AddRange([(ulong)count, 0UL]);
                point.ExplicitBounds.Add(0.1);
                point.Attributes.Add(new KeyValue { Key = "http.response.status_code", Value = new AnyValue { IntValue = status } });
                histogram.DataPoints.Add(point);
            }
        }
        var resource = new Resource();
        resource.Attributes.Add(new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = "order-service" } });
        var scope = new ScopeMetrics();
        scope.Metrics.Add(new Metric { Name = OtlpReader.HttpServerDuration, Unit = "s", Histogram = histogram });
        var resourceMetrics = new ResourceMetrics { Resource = resource };
        resourceMetrics.ScopeMetrics.Add(scope);
        var request = new ExportMetricsServiceRequest();
        request.ResourceMetrics.Add(resourceMetrics);
        return request;
    }
}
