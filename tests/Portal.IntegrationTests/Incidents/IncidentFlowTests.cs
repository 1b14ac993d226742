using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Portal.TestSupport;
using Portal.Web.Features.Identity;
using Portal.Web.Features.Incidents;
using Portal.Web.Features.Slo;
using Portal.Web.Features.Slo.Ingestion;
using Portal.Web.Features.Slo.Otlp.Common;
using Portal.Web.Features.Slo.Otlp.Metrics;

namespace Portal.IntegrationTests.Incidents;

/// <summary>
/// From burn-rate alert to resolved incident through the real pipeline (OTLP ingestion, the alert job, the incident
/// listener, the API), with loopback receivers in PagerDuty Events v2 and Slack format standing in for the vendors
/// (their services cannot be reached from here).
/// </summary>
#pragma warning disable CA1001 // the receivers are disposed in DisposeAsync (xUnit's IAsyncLifetime)
public sealed class IncidentFlowTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IAsyncLifetime
{
    private const string RoutingKey = "R0UTINGKEY-test-0123456789abcdef";
    private static readonly DateTimeOffset Start = new(2026, 11, 20, 10, 0, 10, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Start);
    private readonly WebhookRecorder _pagerDuty = new();
    private readonly WebhookRecorder _slack = new();
    private readonly WebhookRecorder _checkout = new();
    private string _ingest = "", _ana = "", _dana = "";

    public async Task InitializeAsync()
    {
        factory.ReplaceServices = services => services.AddSingleton<TimeProvider>(_clock);
        factory.Settings["Portal:Incidents:Receivers:0:Url"] = _pagerDuty.Url;
        factory.Settings["Portal:Incidents:Receivers:0:Format"] = "pagerduty";
        factory.Settings["Portal:Incidents:Receivers:0:RoutingKey"] = RoutingKey;
        factory.Settings["Portal:Incidents:Receivers:1:Url"] = _slack.Url;
        factory.Settings["Portal:Incidents:Receivers:1:Format"] = "slack";
        factory.Settings["Portal:Incidents:Receivers:1:Team"] = "group:default/payments";
        // Routed by team: checkout's channel does not hear of payments' incidents.
        factory.Settings["Portal:Incidents:Receivers:2:Url"] = _checkout.Url;
        factory.Settings["Portal:Incidents:Receivers:2:Format"] = "slack";
        factory.Settings["Portal:Incidents:Receivers:2:Team"] = "group:default/checkout";
        await factory.SeedDemoAsync();
        (_, _ingest) = await factory.UserWithTokenAsync("ingest-incidents", roles: [PortalRoles.Admin], scopes: [PortalScopes.SloIngest]);
        (_, _ana) = await factory.UserWithTokenAsync("ana.silva", "ana.silva@northwind.example");     // payments: owns payment-gateway
        (_, _dana) = await factory.UserWithTokenAsync("dana.kim", "dana.kim@northwind.example");      // checkout
    }

    public async Task DisposeAsync()
    {
        await _pagerDuty.DisposeAsync();
        await _slack.DisposeAsync();
        await _checkout.DisposeAsync();
    }

    [Fact]
    public async Task A_page_alert_opens_one_incident_routed_to_pagerduty_and_slack_and_the_team_acknowledges_and_resolves_it()
    {
        using var admin = factory.AdminClient();
        var created = await admin.PostAsJsonAsync("/api/slos", new
        {
            name = "gateway-availability", component = "payment-gateway", indicator = "availability", target = 0.999m, window = new { kind = "rolling", days = 30 },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        // 70 minutes at 10 % server errors: a burn of 100 against 14.4 (1h/5m) and 6 (6h/30m) - both page rules, and the tickets.
        var current = SloMath.MinuteOf(Start);
        await SendAsync(Enumerable.Range(0, 70).Select(i => (current.AddMinutes(-i), 100L, 10L)));
        var job = factory.Services.GetRequiredService<SloAlertJob>();
        await job.RunAsync(CancellationToken.None);   // pending
        Assert.Empty(await IncidentsAsync(admin));
        _clock.Advance(TimeSpan.FromMinutes(1));
        await job.RunAsync(CancellationToken.None);   // firing: two page alerts and two tickets for the same component and SLO

        var incident = Assert.Single(await IncidentsAsync(admin));
        Assert.Equal(("component:default/payment-gateway", "page", IncidentLifecycle.Triggered), (incident.Component, incident.Severity, incident.Status));
        Assert.Equal("https://runbooks.northwind.example/payment-gateway", incident.Runbook);
        Assert.Equal("group:default/payments", incident.Owner);
        var detail = (await admin.GetFromJsonAsync<IncidentView>($"/api/incidents/{incident.Id}", JsonSerializerOptions.Web))!;
        // The second page alert joined the incident instead of opening another; the tickets are on its timeline.
        Assert.Equal(["alert.firing", "alert.firing", "alert.firing", "alert.firing", "triggered"], detail.Timeline.Select(e => e.Kind).Order());
        Assert.Equal(2, detail.Timeline.Count(e => e.Text.Contains("(page)", StringComparison.Ordinal)));

        // PagerDuty Events v2: a trigger with the routing key, the incident as dedup key, the runbook as a link.
        var trigger = Assert.Single(_pagerDuty.Received);
        Assert.Equal("trigger", trigger.GetProperty("event_action").GetString());
        Assert.Equal(RoutingKey, trigger.GetProperty("routing_key").GetString());
        Assert.Equal($"portal-incident-{incident.Id}", trigger.GetProperty("dedup_key").GetString());
        var payload = trigger.GetProperty("payload");
        Assert.Equal(("critical", "component:default/payment-gateway", "group:default/payments"),
            (payload.GetProperty("severity").GetString(), payload.GetProperty("source").GetString(), payload.GetProperty("group").GetString()));
        Assert.Contains("Burn rate", payload.GetProperty("custom_details").GetProperty("explanation").GetString(), StringComparison.Ordinal);
        Assert.Contains(trigger.GetProperty("links").EnumerateArray(), l => l.GetProperty("href").GetString() == incident.Runbook);
        // Slack: the payments channel gets it with the runbook; checkout's channel does not.
        var slack = Assert.Single(_slack.Received);
        Assert.StartsWith("Incident opened (page)", slack.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains(incident.Runbook!, slack.GetProperty("blocks").GetRawText(), StringComparison.Ordinal);
        Assert.Empty(_checkout.Received);

        // Only the owning team (or an admin) acts on it.
        using var dana = factory.ClientWithToken(_dana);
        Assert.Equal(HttpStatusCode.Forbidden, (await dana.PostAsync($"/api/incidents/{incident.Id}/acknowledge", null)).StatusCode);
        _clock.Advance(TimeSpan.FromMinutes(2));
        using var ana = factory.ClientWithToken(_ana);
        var acknowledged = await ana.PostAsync($"/api/incidents/{incident.Id}/acknowledge", null);
        Assert.Equal(HttpStatusCode.OK, acknowledged.StatusCode);
        var afterAck = (await acknowledged.Content.ReadFromJsonAsync<IncidentView>(JsonSerializerOptions.Web))!;
        Assert.Equal((IncidentLifecycle.Acknowledged, "ana.silva", 120L), (afterAck.Status, afterAck.AcknowledgedBy, afterAck.SecondsToAcknowledge));
        Assert.Equal(HttpStatusCode.Conflict, (await ana.PostAsync($"/api/incidents/{incident.Id}/acknowledge", null)).StatusCode);
        Assert.Equal(["trigger", "acknowledge"], _pagerDuty.Received.Select(b => b.GetProperty("event_action").GetString()));

        // Traffic recovers: three busy, healthy minutes. The page alerts resolve onto the timeline; the incident stays open.
        var now = SloMath.MinuteOf(_clock.GetUtcNow());
        await SendAsync(Enumerable.Range(0, 3).Select(i => (now.AddMinutes(-i), 100_000L, 0L)));
        _clock.Advance(TimeSpan.FromMinutes(1));
        await job.RunAsync(CancellationToken.None);
        detail = (await admin.GetFromJsonAsync<IncidentView>($"/api/incidents/{incident.Id}", JsonSerializerOptions.Web))!;
        Assert.Equal(IncidentLifecycle.Acknowledged, detail.Status);
        Assert.Equal(2, detail.Timeline.Count(e => e.Kind == "alert.resolved" && e.Text.Contains("(page)", StringComparison.Ordinal)));

        _clock.Advance(TimeSpan.FromMinutes(1));
        var resolved = await ana.PostAsync($"/api/incidents/{incident.Id}/resolve", null);
        Assert.Equal(HttpStatusCode.OK, resolved.StatusCode);
        var done = (await resolved.Content.ReadFromJsonAsync<IncidentView>(JsonSerializerOptions.Web))!;
        Assert.Equal((IncidentLifecycle.Resolved, 240L, 120L), (done.Status, done.SecondsToResolve, done.SecondsToAcknowledge));
        Assert.Equal(HttpStatusCode.Conflict, (await ana.PostAsync($"/api/incidents/{incident.Id}/resolve", null)).StatusCode);
        Assert.Equal(["trigger", "acknowledge", "resolve"], _pagerDuty.Received.Select(b => b.GetProperty("event_action").GetString()));
        Assert.Equal($"portal-incident-{incident.Id}", _pagerDuty.Received.Last().GetProperty("dedup_key").GetString());
        await AuditAssert.RecordedAsync(factory, "incident.resolved", incident.Id.ToString(), "ana.silva", "success");
        await AuditAssert.RecordedAsync(factory, "incident.acknowledged", incident.Id.ToString(), "dana.kim", "denied");
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/api/incidents?status=exploded")).StatusCode);
    }

    private static async Task<List<IncidentView>> IncidentsAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<List<IncidentView>>("/api/incidents", JsonSerializerOptions.Web))!;

    /// <summary>Delta points per minute for payment-gateway: requests, of which errors answered 503.</summary>
    private async Task SendAsync(IEnumerable<(DateTimeOffset Minute, long Requests, long Errors)> minutes)
    {
        using var ingest = factory.ClientWithToken(_ingest);
        var histogram = new Histogram { AggregationTemporality = AggregationTemporality.Delta };
        foreach (var (minute, requests, errors) in minutes)
        {
            foreach (var (count, status) in new[] { (requests - errors, 200L), (errors, 503L) })
            {
                if (count == 0)
                {
                    continue;
                }
                var point = new HistogramDataPoint
                {
                    StartTimeUnixNano = (ulong)OtlpReader.ToUnixNano(minute), TimeUnixNano = (ulong)OtlpReader.ToUnixNano(minute.AddSeconds(5)),
                    Count = (ulong)count, Sum = count * 0.05,
                };
                point.BucketCounts.AddRange([(ulong)count, 0UL]);
                point.ExplicitBounds.Add(0.1);
                point.Attributes.Add(new KeyValue { Key = "http.response.status_code", Value = new AnyValue { IntValue = status } });
                histogram.DataPoints.Add(point);
            }
        }
        var content = new ByteArrayContent(OtlpExports.RequestDurations("payment-gateway", histogram).ToByteArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        Assert.Equal(HttpStatusCode.OK, (await ingest.PostAsync("/v1/metrics", content)).StatusCode);
    }
}
