using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Google.Protobuf;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Portal.TestSupport;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Identity;
using Portal.Web.Features.Slo;
using Portal.Web.Features.Slo.Ingestion;
using Portal.Web.Features.Slo.Otlp.Common;
using Portal.Web.Features.Slo.Otlp.Metrics;

namespace Portal.IntegrationTests.Slo;

/// <summary>
/// A service that stops sending (issue #21): with a no-data condition set, the SLO opens a ticket-severity alert once
/// its window has had no events (as Prometheus users do with <c>absent()</c>), notified like a burn-rate alert, and
/// resolved when data comes back. Without the condition (the default, for low-traffic services) silence stays quiet.
/// </summary>
#pragma warning disable CA1001 // the webhook receiver is disposed in DisposeAsync (xUnit's IAsyncLifetime)
public sealed class SloNoDataAlertTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 11, 20, 9, 0, 10, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Start);
    private readonly WebhookRecorder _webhook = new();
    private string _ingest = "";

    public async Task InitializeAsync()
    {
        factory.ReplaceServices = services => services.AddSingleton<TimeProvider>(_clock);
        factory.Settings["Portal:Notifications:WebhookUrl"] = _webhook.Url;
        await factory.SeedDemoAsync();
        (_, _ingest) = await factory.UserWithTokenAsync("ingest-no-data", roles: [PortalRoles.Admin], scopes: [PortalScopes.SloIngest]);
    }

    public async Task DisposeAsync() => await _webhook.DisposeAsync();

    [Fact]
    public async Task A_service_that_stops_sending_opens_a_ticket_alert_only_where_the_no_data_condition_is_set()
    {
        using var admin = factory.AdminClient();
        var refused = await admin.PostAsJsonAsync("/api/slos", new
        {
            name = "too-short", component = "email-sender", indicator = "availability", target = 0.99m, noDataMinutes = 2,
        });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("noDataMinutes", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var watched = await CreateAsync(admin, "email-sender", "watched", 15);
        await using (var db = await factory.DbAsync())
        {
            // A catalog title, as a descriptor's metadata.title gives it: the notification's title must use it.
            await db.CatalogEntities.Where(e => e.EntityRef == "component:default/email-sender")
                .ExecuteUpdateAsync(u => u.SetProperty(e => e.Title, "E-mail Sender"));
        }
        var quiet = await CreateAsync(admin, "sms-sender", "quiet", null);
        Assert.Equal(15, (await admin.GetFromJsonAsync<JsonElement>($"/api/slos/{watched}")).GetProperty("noDataMinutes").GetInt32());

        // Ten minutes of healthy traffic, then silence.
        await SendAsync(Enumerable.Range(0, 10).Select(i => SloMath.MinuteOf(Start).AddMinutes(-i)));
        var job = factory.Services.GetRequiredService<SloAlertJob>();
        await job.RunAsync(CancellationToken.None);
        Assert.Empty(await AlertsAsync(admin, watched));

        // 15 minutes without events: pending at the first evaluation, firing at the next (a later minute).
        _clock.Advance(TimeSpan.FromMinutes(15));
        await job.RunAsync(CancellationToken.None);
        var pending = Assert.Single(await AlertsAsync(admin, watched));
        Assert.Equal(("no-data-15m", "ticket", AlertStates.Pending), (pending.Rule, pending.Severity, pending.State));
        _clock.Advance(TimeSpan.FromMinutes(1));
        await job.RunAsync(CancellationToken.None);
        var firing = Assert.Single(await AlertsAsync(admin, watched));
        Assert.Equal(AlertStates.Firing, firing.State);
        Assert.Contains("No events in the last 15m", firing.Explanation, StringComparison.Ordinal);
        await Wait.UntilAsync(() => _webhook.Events("slo.alert.firing").Count == 1, TimeSpan.FromSeconds(30), "the firing notification");
        var sent = _webhook.Events("slo.alert.firing")[0];
        Assert.Equal("ticket", sent.GetProperty("fields").GetProperty("severity").GetString());
        Assert.Equal("component:default/email-sender", sent.GetProperty("fields").GetProperty("component").GetString());
        // The title calls the component by its catalog name; the ref stays in the fields.
        Assert.Equal("TICKET: no data for watched on E-mail Sender", sent.GetProperty("title").GetString());

        // The SLO without the condition stayed quiet; the view lists the no-data condition with the burn-rate rules.
        Assert.Empty(await AlertsAsync(admin, quiet));
        var view = await admin.GetFromJsonAsync<JsonElement>($"/api/slos/{watched}");
        Assert.Contains(view.GetProperty("alerts").EnumerateArray(),
            a => a.TryGetProperty("kind", out var kind) && kind.GetString() == "no-data" && a.GetProperty("firing").GetBoolean());
        Assert.DoesNotContain((await admin.GetFromJsonAsync<JsonElement>($"/api/slos/{quiet}")).GetProperty("alerts").EnumerateArray(),
            a => a.TryGetProperty("kind", out var kind) && kind.GetString() == "no-data");

        // Data comes back: the alert resolves, and the resolution is sent.
        await SendAsync([SloMath.MinuteOf(_clock.GetUtcNow())]);
        _clock.Advance(TimeSpan.FromMinutes(1));
        await job.RunAsync(CancellationToken.None);
        var resolved = Assert.Single(await AlertsAsync(admin, watched));
        Assert.Equal(AlertStates.Resolved, resolved.State);
        await Wait.UntilAsync(() => _webhook.Events("slo.alert.resolved").Count == 1, TimeSpan.FromSeconds(30), "the resolved notification");
    }

    private static async Task<Guid> CreateAsync(HttpClient admin, string component, string name, int? noDataMinutes)
    {
        var created = await admin.PostAsJsonAsync("/api/slos", new
        {
            name, component, indicator = "availability", target = 0.99m, window = new { kind = "rolling", days = 7 }, noDataMinutes,
        });
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        return JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
    }

    private static async Task<List<SloAlert>> AlertsAsync(HttpClient admin, Guid id) =>
        (await admin.GetFromJsonAsync<List<SloAlert>>($"/api/slos/{id}/alerts", JsonSerializerOptions.Web))!;

    /// <summary>100 good requests in each minute, from both services.</summary>
    private async Task SendAsync(IEnumerable<DateTimeOffset> minutes)
    {
        using var ingest = factory.ClientWithToken(_ingest);
        var list = minutes.ToList();
        foreach (var service in new[] { "email-sender", "sms-sender" })
        {
            var histogram = new Histogram { AggregationTemporality = AggregationTemporality.Delta };
            foreach (var minute in list)
            {
                var point = new HistogramDataPoint
                {
                    StartTimeUnixNano = (ulong)OtlpReader.ToUnixNano(minute), TimeUnixNano = (ulong)OtlpReader.ToUnixNano(minute.AddSeconds(5)),
                    Count = 100, Sum = 5,
                };
                point.BucketCounts.AddRange([100UL, 0UL]);
                point.ExplicitBounds.Add(0.1);
                point.Attributes.Add(new KeyValue { Key = "http.response.status_code", Value = new AnyValue { IntValue = 200 } });
                histogram.DataPoints.Add(point);
            }
            var content = new ByteArrayContent(OtlpExports.RequestDurations(service, histogram).ToByteArray());
            content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
            Assert.Equal(HttpStatusCode.OK, (await ingest.PostAsync("/v1/metrics", content)).StatusCode);
        }
    }
}
