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
using Portal.Web.Features.Slo.Otlp.Collector;
using Portal.Web.Features.Slo.Otlp.Common;
using Portal.Web.Features.Slo.Otlp.Metrics;
using Portal.Web.Features.Slo.Otlp.Resource;
using Portal.Web.Features.Slo.Ingestion;

namespace Portal.IntegrationTests.Slo;

/// <summary>
/// Thirty days of scripted minute traffic sent through the OTLP endpoint; every figure the API reports is checked
/// against the same figure computed here, independently, from the generated counts.
/// </summary>
#pragma warning disable CA1001 // the webhook receiver is disposed in DisposeAsync (xUnit's IAsyncLifetime)
public sealed class SloExactnessTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IAsyncLifetime
{
    private const int Days = 30;
    private const int MinutesInPeriod = Days * 1440;
    private const decimal Target = 0.999m;
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 30, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Now);
    private readonly WebhookRecorder _webhook = new();
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
        factory.Settings["Portal:Notifications:WebhookUrl"] = _webhook.Url;
        await factory.SeedDemoAsync();
        (_, _ingest) = await factory.UserWithTokenAsync("ingest-exact", roles: [PortalRoles.Admin], scopes: [PortalScopes.SloIngest]);
    }

    public async Task DisposeAsync() => await _webhook.DisposeAsync();

    [Fact]
    public async Task Every_reported_figure_equals_the_one_computed_from_the_generated_traffic()
    {
        using var ingest = factory.ClientWithToken(_ingest);
        var current = SloMath.MinuteOf(Now);
        using var admin = factory.AdminClient();
        Guid? id = null;
        // Oldest first, 4,320 minutes (points) per export, as delta histograms stamped mid-minute. The SLO is created
        // before the last three days arrive: its history is rebuilt from the RED minutes, the rest is counted as it comes.
        foreach (var chunk in Enumerable.Range(0, MinutesInPeriod).Reverse().Chunk(4_320))
        {
            if (chunk.Contains(0))
            {
                var created = await admin.PostAsJsonAsync("/api/slos", new
                {
                    name = "orders-availability", component = "order-service", indicator = "availability", target = Target,
                    window = new { kind = "rolling", days = Days },
                });
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
                id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
            }
            var request = Export(chunk.Select(i => (current.AddMinutes(-i), Traffic(i))));
            var content = new ByteArrayContent(request.ToByteArray());
            content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
            var response = await ingest.PostAsync("/v1/metrics", content);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Null(ExportMetricsServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync()).PartialSuccess);
        }

        var slo = (await admin.GetFromJsonAsync<SloView>($"/api/slos/{id}", JsonSerializerOptions.Web))!;

        // The period reaches back further than the minutes the portal keeps (4 days), so it starts at its first whole
        // hour: 13:00 thirty days ago, not 12:01. Every shorter window is exact to the minute.
        var periodFirst = current.AddDays(-Days).AddMinutes(1);
        periodFirst = periodFirst.Minute == 0 ? periodFirst : periodFirst.AddMinutes(60 - periodFirst.Minute);
        var periodMinutes = (int)(current - periodFirst).TotalMinutes + 1;
        Assert.Equal(MinutesInPeriod - 59, periodMinutes);
        Assert.Equal(periodFirst, slo.Window.Start);
        var (total, bad) = Window(periodMinutes);
        Assert.Equal(total, slo.TotalEvents);
        Assert.Equal(total - bad, slo.GoodEvents);
        Assert.Equal((decimal)(total - bad) / total, slo.Sli!.Value, 20);
        Assert.Equal(1 - (decimal)bad / total / (1 - Target), slo.ErrorBudget.Remaining!.Value, 20);
        Assert.Equal((1 - Target) * total - bad, slo.ErrorBudget.RemainingEvents, 20);
        Assert.Equal(bad / ((1 - Target) * total), slo.ErrorBudget.Consumed!.Value, 20);
        foreach (var (name, minutes) in new[] { ("5m", 5), ("30m", 30), ("1h", 60), ("2h", 120), ("6h", 360), ("1d", 1440), ("3d", 4320), ("period", periodMinutes) })
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
        Assert.Equal(Burns(periodMinutes) >= 1 ? "breached" : "warning", slo.Status);

        // The alert job, minute by minute with no new traffic: each rule goes pending, fires a minute later if its
        // condition still holds, and resolves in the first minute it does not - as computed here from the counts.
        var rules = new[] { ("page-1h-5m", 60, 5, 14.4m), ("page-6h-30m", 360, 30, 6m), ("ticket-1d-2h", 1440, 120, 3m), ("ticket-3d-6h", 4320, 360, 1m) };
        var job = factory.Services.GetRequiredService<SloAlertJob>();
        var expectedEvents = new List<(string Rule, string State, int Minute)>();
        var state = rules.ToDictionary(r => r.Item1, _ => "none");
        for (var k = 0; k <= 6; k++)
        {
            await job.RunAsync(CancellationToken.None);
            await job.RunAsync(CancellationToken.None); // the same minute twice changes nothing
            foreach (var (rule, longMinutes, shortMinutes, factor) in rules)
            {
                var firing = Exceeds(k, longMinutes, factor) && Exceeds(k, shortMinutes, factor);
                var next = (state[rule], firing) switch
                {
                    ("pending" or "firing", true) => "firing",
                    (_, true) => "pending",
                    ("pending" or "firing", false) => "resolved",
                    (var same, false) => same,
                };
                if (next != state[rule])
                {
                    expectedEvents.Add((rule, next, k));
                }
                state[rule] = next;
            }
            _clock.Advance(TimeSpan.FromMinutes(1));
        }
        var history = (await admin.GetFromJsonAsync<List<SloAlert>>($"/api/slos/{id}/alerts", JsonSerializerOptions.Web))!;
        var actualEvents = history.SelectMany(a => new[] { (a.Rule, "pending", a.PendingAt), (a.Rule, "firing", a.FiredAt), (a.Rule, "resolved", a.ResolvedAt) })
            .Where(e => e.Item3 is not null).Select(e => (e.Rule, e.Item2, (int)(e.Item3!.Value - current).TotalMinutes)).ToList();
        Assert.Equal(expectedEvents.Order(), actualEvents.Order());
        Assert.Contains(expectedEvents, e => e.State == "resolved"); // the script really resolves something within the minutes run
        await Wait.UntilAsync(() => _webhook.Events("slo.alert.resolved").Count == expectedEvents.Count(e => e.State == "resolved" && history.Any(a => a.Rule == e.Rule && a.FiredAt is not null)),
            TimeSpan.FromSeconds(30), "the resolved notifications");
        var fired = _webhook.Events("slo.alert.firing");
        Assert.Equal(expectedEvents.Count(e => e.State == "firing"), fired.Count);
        Assert.Contains("https://runbooks.northwind.example/order-service", fired[0].GetRawText(), StringComparison.Ordinal);
    }

    /// <summary>Whether the window of <paramref name="minutes"/> ending <paramref name="k"/> minutes after now burns faster than the factor.</summary>
    private static bool Exceeds(int k, int minutes, decimal factor)
    {
        long total = 0, bad = 0;
        for (var i = 0; i < minutes - k; i++)
        {
            var (r, e) = Traffic(i);
            total += r;
            bad += e;
        }
        return total > 0 && bad > factor * (1 - Target) * total;
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
        return OtlpExports.MinuteTraffic("order-service", minutes.Select(m => (m.Minute, m.Traffic.Requests, m.Traffic.Errors)), TimeSpan.FromSeconds(30));
    }
}
