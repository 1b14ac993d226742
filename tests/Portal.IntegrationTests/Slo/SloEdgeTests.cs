using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Portal.TestSupport;
using Portal.Web.Features.Identity;
using Portal.Web.Features.Slo;
using Portal.Web.Features.Slo.Ingestion;
using Portal.Web.Features.Slo.Otlp.Collector;
using Portal.Web.Features.Slo.Otlp.Common;
using Portal.Web.Features.Slo.Otlp.Metrics;

namespace Portal.IntegrationTests.Slo;

/// <summary>
/// The edges of the SLO counts (issue #21): an SLO counted as data arrives must give what the same SLO rebuilt from
/// history gives, for late (backfilled) points, for calendar months that start off the UTC hour, for interpolated
/// latency thresholds; and the series a chart draws must agree with the SLO view. Each test sends the same traffic to
/// an SLO created before it arrives and compares with an SLO created after it (rebuilt), and with the figure computed
/// here from the traffic.
/// </summary>
public sealed class SloEdgeTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IAsyncLifetime
{
    // The 10th of the month, mid-day: a calendar month started more than the 4 days of minutes kept ago.
    private static readonly DateTimeOffset Now = new(2026, 11, 10, 12, 0, 30, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Now);
    private string _ingest = "";

    public async Task InitializeAsync()
    {
        factory.ReplaceServices = services => services.AddSingleton<TimeProvider>(_clock);
        await factory.SeedDemoAsync();
        (_, _ingest) = await factory.UserWithTokenAsync("ingest-edges", roles: [PortalRoles.Admin], scopes: [PortalScopes.SloIngest]);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Timeslices_slo_judges_backfilled_slices_older_than_the_minutes_kept_as_its_rebuilt_twin_does()
    {
        // Two hours six days ago (older than the 4 days of minutes kept), every third minute at 2 % errors: with a
        // slice target of 99 % those minutes are bad slices, the others good.
        var first = SloMath.MinuteOf(Now).AddDays(-6).AddHours(-2);
        var traffic = Enumerable.Range(0, 120).Select(i => (Minute: first.AddMinutes(i), Requests: 100L, Errors: i % 3 == 0 ? 2L : 0L)).ToList();
        var slo = new { indicator = "availability", target = 0.9m, window = new { kind = "rolling", days = 7 }, budgetingMethod = "Timeslices", timesliceTarget = 0.99m };
        var before = await CreateAsync("payment-gateway", "slices-before", slo);
        await SendAsync("payment-gateway", traffic.SelectMany(t => Point(t.Minute, t.Requests, t.Errors)));
        var after = await CreateAsync("payment-gateway", "slices-after", slo);

        var counted = await ViewAsync(before);
        var rebuilt = await ViewAsync(after);
        Assert.Equal((80L, 120L), (rebuilt.GoodEvents, rebuilt.TotalEvents));
        Assert.Equal((rebuilt.GoodEvents, rebuilt.TotalEvents), (counted.GoodEvents, counted.TotalEvents));
        Assert.Equal(rebuilt.ErrorBudget.Remaining, counted.ErrorBudget.Remaining);

        // More events for the same old minutes (a second backfill of other routes): a good slice turns bad, and the
        // SLO counted as data arrives still agrees with one rebuilt now.
        await SendAsync("payment-gateway", Point(first.AddMinutes(1), 10, 10, route: "/other"));
        var again = await CreateAsync("payment-gateway", "slices-again", slo);
        var rebuiltAgain = await ViewAsync(again);
        Assert.Equal((79L, 120L), (rebuiltAgain.GoodEvents, rebuiltAgain.TotalEvents));
        var countedAgain = await ViewAsync(before);
        Assert.Equal((rebuiltAgain.GoodEvents, rebuiltAgain.TotalEvents), (countedAgain.GoodEvents, countedAgain.TotalEvents));
    }

    [Theory]
    [InlineData("Asia/Kolkata", "refund-service", 18, 30)]
    [InlineData("Asia/Kathmandu", "fraud-scoring", 18, 15)]
    public async Task Calendar_month_in_a_zone_off_the_utc_hour_starts_at_local_midnight_after_day_four(string zone, string component, int hour, int minute)
    {
        // Local midnight of 1 November is 31 October 18:30Z in Kolkata (UTC+5:30), 18:15Z in Kathmandu (UTC+5:45).
        var monthStart = new DateTimeOffset(2026, 10, 31, hour, minute, 0, TimeSpan.Zero);
        // Two hours around the month's start, each minute with its own number of requests, so a window starting at
        // another minute cannot have the same total.
        var traffic = Enumerable.Range(-60, 120).Select(i => (Minute: monthStart.AddMinutes(i), Requests: 1000L + i, Errors: 0L)).ToList();
        var slo = new { indicator = "availability", target = 0.99m, window = new { kind = "calendar", timeZone = zone } };
        var before = await CreateAsync(component, "month-before", slo);
        await SendAsync(component, traffic.SelectMany(t => Point(t.Minute, t.Requests, t.Errors)));
        var after = await CreateAsync(component, "month-after", slo);
        var expected = traffic.Where(t => t.Minute >= monthStart).Sum(t => t.Requests);

        foreach (var id in new[] { before, after })
        {
            var view = await ViewAsync(id);
            Assert.Equal(monthStart, view.Window.Start);
            Assert.Equal(expected, view.TotalEvents);
        }

        // The hourly retention job deletes minutes older than 4 days; the month's first partial hour must survive it.
        await factory.Services.GetRequiredService<SloRetentionJob>().RunAsync(CancellationToken.None);
        foreach (var id in new[] { before, after })
        {
            var view = await ViewAsync(id);
            Assert.Equal(monthStart, view.Window.Start);
            Assert.Equal(expected, view.TotalEvents);
        }
    }

    [Fact]
    public async Task Interpolated_latency_threshold_is_rounded_per_minute_as_the_rebuilt_figure_is()
    {
        // Ten streams (routes) per minute, each with one request between the 0.1 s and 0.5 s bounds. At 0.25 s, a
        // request in that bucket counts 0.375: 3.75 per minute, rounded down to 3 - not 0 per point.
        var recent = SloMath.MinuteOf(Now).AddMinutes(-59);
        var old = SloMath.MinuteOf(Now).AddDays(-5);
        var minutes = Enumerable.Range(0, 60).Select(i => recent.AddMinutes(i)).Concat(Enumerable.Range(0, 30).Select(i => old.AddMinutes(i))).ToList();
        var slo = new { indicator = "latency", thresholdSeconds = 0.25m, target = 0.9m, window = new { kind = "rolling", days = 7 } };
        var before = await CreateAsync("order-service", "latency-before", slo);
        await SendAsync("order-service", minutes.SelectMany(m => Enumerable.Range(0, 10).Select(r => SlowPoint(m, $"/r{r}"))));
        var after = await CreateAsync("order-service", "latency-after", slo);

        var counted = await ViewAsync(before);
        var rebuilt = await ViewAsync(after);
        Assert.Equal((3L * 90, 10L * 90), (rebuilt.GoodEvents, rebuilt.TotalEvents));
        Assert.True(rebuilt.Estimated);
        Assert.Equal((rebuilt.GoodEvents, rebuilt.TotalEvents), (counted.GoodEvents, counted.TotalEvents));
        Assert.Equal(rebuilt.BurnRates["1h"], counted.BurnRates["1h"]);
    }

    [Fact]
    public async Task Series_and_burn_down_leave_out_points_stamped_in_the_future_as_the_slo_view_does()
    {
        // An hour five days ago (so the series is read from hour rows), the last half hour, and one export stamped
        // three minutes ahead of the portal's clock (accepted: up to 300 s ahead).
        var current = SloMath.MinuteOf(Now);
        var points = Enumerable.Range(0, 60).SelectMany(i => Point(current.AddDays(-5).AddMinutes(i), 50, 1))
            .Concat(Enumerable.Range(0, 30).SelectMany(i => Point(current.AddMinutes(-i), 40, 2)))
            .Concat(Point(current.AddMinutes(3), 1000, 900, secondsIntoMinute: 0));
        var id = await CreateAsync("cart-service", "series-future", new { indicator = "availability", target = 0.99m, window = new { kind = "rolling", days = 7 } });
        await SendAsync("cart-service", points);

        var view = await ViewAsync(id);
        Assert.Equal(60 * 50 + 30 * 40, view.TotalEvents);
        using var admin = factory.AdminClient();
        var series = (await admin.GetFromJsonAsync<List<SloSeriesPoint>>($"/api/slos/{id}/series", JsonSerializerOptions.Web))!;
        Assert.Equal(view.TotalEvents, series.Sum(p => p.Total));
        Assert.Equal(view.GoodEvents, series.Sum(p => p.Good));
        Assert.Equal(view.ErrorBudget.Remaining, series[^1].BudgetRemaining);
        // Asking explicitly for a range that reaches into the future gives the same.
        var explicitRange = (await admin.GetFromJsonAsync<List<SloSeriesPoint>>(
            $"/api/slos/{id}/series?from={Uri.EscapeDataString(view.Window.Start.ToString("O"))}&to={Uri.EscapeDataString(Now.AddMinutes(10).ToString("O"))}",
            JsonSerializerOptions.Web))!;
        Assert.Equal(view.TotalEvents, explicitRange.Sum(p => p.Total));
    }

    private async Task<Guid> CreateAsync(string component, string name, object definition)
    {
        using var admin = factory.AdminClient();
        var body = JsonSerializer.SerializeToNode(definition, JsonSerializerOptions.Web)!.AsObject();
        body["name"] = name;
        body["component"] = component;
        var created = await admin.PostAsJsonAsync("/api/slos", body);
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        return JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
    }

    private async Task<SloView> ViewAsync(Guid id)
    {
        using var admin = factory.AdminClient();
        return (await admin.GetFromJsonAsync<SloView>($"/api/slos/{id}", JsonSerializerOptions.Web))!;
    }

    private async Task SendAsync(string service, IEnumerable<HistogramDataPoint> points)
    {
        using var ingest = factory.ClientWithToken(_ingest);
        foreach (var chunk in points.Chunk(2_000))
        {
            var histogram = new Histogram { AggregationTemporality = AggregationTemporality.Delta };
            histogram.DataPoints.AddRange(chunk);
            var content = new ByteArrayContent(OtlpExports.RequestDurations(service, histogram).ToByteArray());
            content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
            var response = await ingest.PostAsync("/v1/metrics", content);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Null(ExportMetricsServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync()).PartialSuccess);
        }
    }

    /// <summary>
    /// Delta points in <paramref name="minute"/>: requests, all under 0.1 s, of which errors answered 503 (their own
    /// stream, as an SDK reports them).
    /// </summary>
    private static IEnumerable<HistogramDataPoint> Point(DateTimeOffset minute, long requests, long errors, string route = "/", int secondsIntoMinute = 30)
    {
        foreach (var (count, status) in new[] { (requests - errors, 200L), (errors, 503L) })
        {
            if (count == 0)
            {
                continue;
            }
            var point = new HistogramDataPoint
            {
                StartTimeUnixNano = (ulong)OtlpReader.ToUnixNano(minute.AddSeconds(Math.Max(0, secondsIntoMinute - 1))),
                TimeUnixNano = (ulong)OtlpReader.ToUnixNano(minute.AddSeconds(secondsIntoMinute)),
                Count = (ulong)count, Sum = count * 0.05,
            };
            point.BucketCounts.AddRange([(ulong)count, 0UL]);
            point.ExplicitBounds.Add(0.1);
            point.Attributes.Add(new KeyValue { Key = "http.route", Value = new AnyValue { StringValue = route } });
            point.Attributes.Add(new KeyValue { Key = "http.response.status_code", Value = new AnyValue { IntValue = status } });
            yield return point;
        }
    }

    /// <summary>One request between the 0.1 s and 0.5 s bounds on <paramref name="route"/>.</summary>
    private static HistogramDataPoint SlowPoint(DateTimeOffset minute, string route)
    {
        var point = new HistogramDataPoint
        {
            StartTimeUnixNano = (ulong)OtlpReader.ToUnixNano(minute.AddSeconds(29)),
            TimeUnixNano = (ulong)OtlpReader.ToUnixNano(minute.AddSeconds(30)),
            Count = 1, Sum = 0.3,
        };
        point.BucketCounts.AddRange([0UL, 1UL, 0UL]);
        point.ExplicitBounds.AddRange([0.1, 0.5]);
        point.Attributes.Add(new KeyValue { Key = "http.route", Value = new AnyValue { StringValue = route } });
        point.Attributes.Add(new KeyValue { Key = "http.response.status_code", Value = new AnyValue { IntValue = 200 } });
        return point;
    }
}
