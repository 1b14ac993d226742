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
/// listener, the escalation job, the API), with loopback receivers in PagerDuty Events v2 and Slack format standing in
/// for the vendors (their services cannot be reached from here), and a fake clock moving the minutes on.
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
    private readonly WebhookRecorder _notifications = new();
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
        // The alerts' own notification (Portal:Notifications), which a maintenance window silences too.
        factory.Settings["Portal:Notifications:WebhookUrl"] = _notifications.Url;
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
        await _notifications.DisposeAsync();
    }

    [Fact]
    public async Task A_page_alert_opens_one_incident_pages_the_on_call_escalates_unacknowledged_and_the_team_resolves_it_with_a_postmortem_and_in_maintenance_nothing_is_routed()
    {
        using var admin = factory.AdminClient();
        using var ana = factory.ClientWithToken(_ana);
        using var dana = factory.ClientWithToken(_dana);

        // Payments' schedule: ana and ben rotate weekly from Monday 16 November 09:00 (ana's week), chen is the second layer.
        var schedule = new
        {
            team = "group:default/payments",
            layers = new object[]
            {
                new { name = "Primary", users = new[] { "ana.silva", "ben.okafor" }, rotationStart = "2026-11-16T09:00:00Z", handoffHours = 168, escalateAfterMinutes = 5 },
                new { name = "Secondary", users = new[] { "chen.wei" }, rotationStart = "2026-11-16T09:00:00Z", handoffHours = 24, escalateAfterMinutes = 15 },
            },
        };
        Assert.Equal(HttpStatusCode.Forbidden, (await dana.PutAsJsonAsync("/api/oncall/schedules/payments-oncall", schedule)).StatusCode);
        var badSchedule = await ana.PutAsJsonAsync("/api/oncall/schedules/payments-oncall", new { team = "group:default/payments", layers = new[] { new { name = "Primary" } } });
        Assert.Equal(HttpStatusCode.BadRequest, badSchedule.StatusCode);
        Assert.Contains("layers[0].users", await badSchedule.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await ana.PutAsJsonAsync("/api/oncall/schedules/payments-oncall", schedule)).StatusCode);
        var saved = (await admin.GetFromJsonAsync<OnCallScheduleView>("/api/oncall/schedules/payments-oncall", JsonSerializerOptions.Web))!;
        Assert.Equal([("Primary", "ana.silva"), ("Secondary", "chen.wei")], saved.Now.Select(n => (n.Layer, n.User)));

        var created = await admin.PostAsJsonAsync("/api/slos", new
        {
            name = "gateway-availability", component = "payment-gateway", indicator = "availability", target = 0.999m, window = new { kind = "rolling", days = 30 },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var sloId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        // 70 minutes at 10 % server errors: a burn of 100 against 14.4 (1h/5m) and 6 (6h/30m) - both page rules, and the tickets.
        var current = SloMath.MinuteOf(Start);
        await SendAsync(Enumerable.Range(0, 70).Select(i => (current.AddMinutes(-i), 100L, 10L)));
        var job = factory.Services.GetRequiredService<SloAlertJob>();
        var escalation = factory.Services.GetRequiredService<IncidentEscalationJob>();
        await job.RunAsync(CancellationToken.None);   // pending
        Assert.Empty(await IncidentsAsync(admin));
        _clock.Advance(TimeSpan.FromMinutes(1));
        await job.RunAsync(CancellationToken.None);   // firing: two page alerts and two tickets for the same component and SLO
        Assert.NotEmpty(_notifications.Events("slo.alert.firing"));

        var incident = Assert.Single(await IncidentsAsync(admin));
        Assert.Equal(("component:default/payment-gateway", "page", IncidentLifecycle.Triggered), (incident.Component, incident.Severity, incident.Status));
        Assert.Equal("https://runbooks.northwind.example/payment-gateway", incident.Runbook);
        Assert.Equal("group:default/payments", incident.Owner);
        // Its dependents from the catalog graph: the services that consume the payments API it provides.
        Assert.Contains("component:default/order-service", incident.Dependents);
        Assert.Contains("component:default/refund-service", incident.Dependents);
        Assert.DoesNotContain(incident.Component, incident.Dependents);
        Assert.Equal(("ana.silva", 0), (incident.OnCall, incident.EscalationLevel));
        var detail = await IncidentAsync(admin, incident.Id);
        // The second page alert joined the incident instead of opening another; the tickets are on its timeline.
        Assert.Equal(["alert.firing", "alert.firing", "alert.firing", "alert.firing", "paged", "triggered"], detail.Timeline.Select(e => e.Kind)
            .Where(k => k is not (IncidentChanges.DeployKind or IncidentChanges.EnvironmentKind)).Order()); // the demo's deploys may fall in the window
        Assert.Equal(2, detail.Timeline.Count(e => e.Text.Contains("(page)", StringComparison.Ordinal)));
        Assert.Equal(["triage", "notify", "mitigate", "communicate", "postmortem"], detail.Checklist.Select(t => t.Key));

        // PagerDuty Events v2: a trigger with the routing key, the incident as dedup key, the runbook as a link, the person on call.
        var trigger = Assert.Single(_pagerDuty.Received);
        Assert.Equal("trigger", trigger.GetProperty("event_action").GetString());
        Assert.Equal(RoutingKey, trigger.GetProperty("routing_key").GetString());
        Assert.Equal($"portal-incident-{incident.Id}", trigger.GetProperty("dedup_key").GetString());
        var payload = trigger.GetProperty("payload");
        Assert.Equal(("critical", "component:default/payment-gateway", "group:default/payments"),
            (payload.GetProperty("severity").GetString(), payload.GetProperty("source").GetString(), payload.GetProperty("group").GetString()));
        var details = payload.GetProperty("custom_details");
        Assert.Contains("Burn rate", details.GetProperty("explanation").GetString(), StringComparison.Ordinal);
        Assert.Equal("ana.silva", details.GetProperty("oncall").GetString());
        Assert.Contains("component:default/order-service", details.GetProperty("dependents").GetString(), StringComparison.Ordinal);
        Assert.Contains(trigger.GetProperty("links").EnumerateArray(), l => l.GetProperty("href").GetString() == incident.Runbook);
        // Slack: the payments channel gets it with the runbook and the person on call; checkout's channel does not.
        var slack = Assert.Single(_slack.Received);
        Assert.StartsWith("Incident opened (page)", slack.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains(incident.Runbook!, slack.GetProperty("blocks").GetRawText(), StringComparison.Ordinal);
        Assert.Contains("ana.silva (layer 1)", slack.GetProperty("blocks").GetRawText(), StringComparison.Ordinal);
        Assert.Empty(_checkout.Received);

        // Nobody acknowledges: after the first layer's 5 minutes (not before), the second layer is paged - once.
        _clock.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal(0, await escalation.RunAsync(CancellationToken.None));
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await escalation.RunAsync(CancellationToken.None));
        Assert.Equal(0, await escalation.RunAsync(CancellationToken.None));
        var escalated = (await admin.GetFromJsonAsync<IncidentView>($"/api/incidents/{incident.Id}", JsonSerializerOptions.Web))!;
        Assert.Equal(("chen.wei", 1, IncidentLifecycle.Triggered), (escalated.OnCall, escalated.EscalationLevel, escalated.Status));
        Assert.Contains(escalated.Timeline, e => e.Kind == "escalated" && e.Text.Contains("paged chen.wei", StringComparison.Ordinal));
        var page2 = _pagerDuty.Received.Last();
        Assert.Equal(("trigger", $"portal-incident-{incident.Id}"), (page2.GetProperty("event_action").GetString(), page2.GetProperty("dedup_key").GetString()));
        Assert.Equal("chen.wei", page2.GetProperty("payload").GetProperty("custom_details").GetProperty("oncall").GetString());
        Assert.StartsWith("Incident escalated (page)", _slack.Received.Last().GetProperty("text").GetString(), StringComparison.Ordinal);

        // Only the owning team (or an admin) acts on it.
        Assert.Equal(HttpStatusCode.Forbidden, (await dana.PostAsync($"/api/incidents/{incident.Id}/acknowledge", null)).StatusCode);
        _clock.Advance(TimeSpan.FromMinutes(1));
        var acknowledged = await ana.PostAsync($"/api/incidents/{incident.Id}/acknowledge", null);
        Assert.Equal(HttpStatusCode.OK, acknowledged.StatusCode);
        var afterAck = (await acknowledged.Content.ReadFromJsonAsync<IncidentView>(JsonSerializerOptions.Web))!;
        Assert.Equal((IncidentLifecycle.Acknowledged, "ana.silva", 360L), (afterAck.Status, afterAck.AcknowledgedBy, afterAck.SecondsToAcknowledge));
        Assert.Equal(HttpStatusCode.Conflict, (await ana.PostAsync($"/api/incidents/{incident.Id}/acknowledge", null)).StatusCode);
        Assert.Equal(["trigger", "trigger", "acknowledge"], _pagerDuty.Received.Select(b => b.GetProperty("event_action").GetString()));

        // Traffic recovers: three busy, healthy minutes. The page alerts resolve onto the timeline; the incident stays open.
        var now = SloMath.MinuteOf(_clock.GetUtcNow());
        await SendAsync(Enumerable.Range(0, 3).Select(i => (now.AddMinutes(-i), 100_000L, 0L)));
        _clock.Advance(TimeSpan.FromMinutes(1));
        await job.RunAsync(CancellationToken.None);
        detail = await IncidentAsync(admin, incident.Id);
        Assert.Equal(IncidentLifecycle.Acknowledged, detail.Status);
        Assert.Equal(2, detail.Timeline.Count(e => e.Kind == "alert.resolved" && e.Text.Contains("(page)", StringComparison.Ordinal)));

        _clock.Advance(TimeSpan.FromMinutes(1));
        var resolved = await ana.PostAsync($"/api/incidents/{incident.Id}/resolve", null);
        Assert.Equal(HttpStatusCode.OK, resolved.StatusCode);
        var done = (await resolved.Content.ReadFromJsonAsync<IncidentView>(JsonSerializerOptions.Web))!;
        Assert.Equal((IncidentLifecycle.Resolved, 480L, 360L, true), (done.Status, done.SecondsToResolve, done.SecondsToAcknowledge, done.HasPostmortem));
        Assert.Equal(HttpStatusCode.Conflict, (await ana.PostAsync($"/api/incidents/{incident.Id}/resolve", null)).StatusCode);
        Assert.Equal(["trigger", "trigger", "acknowledge", "resolve"], _pagerDuty.Received.Select(b => b.GetProperty("event_action").GetString()));
        Assert.Equal($"portal-incident-{incident.Id}", _pagerDuty.Received.Last().GetProperty("dedup_key").GetString());
        await AuditAssert.RecordedAsync(factory, "incident.resolved", incident.Id.ToString(), "ana.silva", "success");
        await AuditAssert.RecordedAsync(factory, "incident.acknowledged", incident.Id.ToString(), "dana.kim", "denied");
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/api/incidents?status=exploded")).StatusCode);

        // The postmortem was drafted at resolution with the whole timeline, escalation and acknowledgement included.
        var postmortem = (await admin.GetFromJsonAsync<PostmortemView>($"/api/incidents/{incident.Id}/postmortem", JsonSerializerOptions.Web))!;
        Assert.False(postmortem.Draft);
        Assert.Contains("# Postmortem: gateway-availability on payment-gateway", postmortem.Markdown, StringComparison.Ordinal);
        Assert.Contains("(8 min to resolve)", postmortem.Markdown, StringComparison.Ordinal);
        Assert.Contains("escalated to layer 'Secondary' of schedule payments-oncall, paged chen.wei.", postmortem.Markdown, StringComparison.Ordinal);
        Assert.Contains("| ana.silva | Acknowledged by ana.silva. |", postmortem.Markdown, StringComparison.Ordinal);
        Assert.Contains("| ana.silva | Resolved by ana.silva. |", postmortem.Markdown, StringComparison.Ordinal);
        Assert.Contains("component:default/order-service", postmortem.Markdown, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await dana.PutAsJsonAsync($"/api/incidents/{incident.Id}/postmortem", new { markdown = "# mine" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await ana.PutAsJsonAsync($"/api/incidents/{incident.Id}/postmortem", new { markdown = "" })).StatusCode);
        var edited = postmortem.Markdown.Replace("_Why it happened; ask why until the answer is something to change._", "A bad acquirer certificate.", StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await ana.PutAsJsonAsync($"/api/incidents/{incident.Id}/postmortem", new { markdown = edited })).StatusCode);
        Assert.Contains("A bad acquirer certificate.", (await admin.GetFromJsonAsync<PostmortemView>($"/api/incidents/{incident.Id}/postmortem", JsonSerializerOptions.Web))!.Markdown,
            StringComparison.Ordinal);

        // The checklist: the team ticks its tasks; the last one counts as a completed postmortem in the metrics.
        Assert.Equal(HttpStatusCode.BadRequest, (await ana.PostAsJsonAsync($"/api/incidents/{incident.Id}/checklist/celebrate", new { done = true })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await dana.PostAsJsonAsync($"/api/incidents/{incident.Id}/checklist/postmortem", new { done = true })).StatusCode);
        var ticked = await ana.PostAsJsonAsync($"/api/incidents/{incident.Id}/checklist/postmortem", new { done = true });
        Assert.Equal(HttpStatusCode.OK, ticked.StatusCode);
        Assert.True((await ticked.Content.ReadFromJsonAsync<IncidentView>(JsonSerializerOptions.Web))!.Checklist.Single(t => t.Key == "postmortem").Done);

        // MTTA and MTTR per team and service (M6), and incidents per week.
        var metrics = (await admin.GetFromJsonAsync<IncidentMetricsView>("/api/incidents/metrics?days=7", JsonSerializerOptions.Web))!;
        Assert.Equal(new IncidentFigures("group:default/payments", 1, 360, 480), Assert.Single(metrics.Teams));
        Assert.Equal(new IncidentFigures("component:default/payment-gateway", 1, 360, 480), Assert.Single(metrics.Services));
        Assert.Equal(new IncidentWeek(new DateOnly(2026, 11, 16), 1), Assert.Single(metrics.Weeks));
        Assert.Equal(1.0, metrics.PostmortemCompletion);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/api/incidents/metrics?days=0")).StatusCode);

        // Maintenance: only the owning team opens a window on its component; a global one is the admins'.
        Assert.Equal(HttpStatusCode.Forbidden, (await dana.PostAsJsonAsync("/api/maintenance-windows", new { component = "payment-gateway", minutes = 60, reason = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await ana.PostAsJsonAsync("/api/maintenance-windows", new { minutes = 60, reason = "everything" })).StatusCode);
        var refused = await ana.PostAsJsonAsync("/api/maintenance-windows", new { component = "payment-gateway", reason = "no end" });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("endsAt", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var window = await ana.PostAsJsonAsync("/api/maintenance-windows", new { component = "payment-gateway", minutes = 60, reason = "Acquirer certificate rotation" });
        Assert.Equal(HttpStatusCode.Created, window.StatusCode);

        // Inside it the traffic turns bad again: the alerts fire and are recorded, but nothing is routed and no incident opens.
        var (pagerDuty, slackCount, notified) = (_pagerDuty.Received.Count, _slack.Received.Count, _notifications.Received.Count);
        _clock.Advance(TimeSpan.FromMinutes(10));
        now = SloMath.MinuteOf(_clock.GetUtcNow());
        await SendAsync(Enumerable.Range(0, 5).Select(i => (now.AddMinutes(-i), 100_000L, 10_000L)));
        await job.RunAsync(CancellationToken.None);
        _clock.Advance(TimeSpan.FromMinutes(1));
        await job.RunAsync(CancellationToken.None);
        var alerts = (await admin.GetFromJsonAsync<List<JsonElement>>($"/api/slos/{sloId}/alerts", JsonSerializerOptions.Web))!;
        Assert.Contains(alerts, a => a.GetProperty("state").GetString() == "firing" && a.GetProperty("severity").GetString() == "page"
            && a.GetProperty("firedAt").GetDateTimeOffset() >= now);
        Assert.Equal(IncidentLifecycle.Resolved, Assert.Single(await IncidentsAsync(admin)).Status);
        Assert.Equal((pagerDuty, slackCount, notified), (_pagerDuty.Received.Count, _slack.Received.Count, _notifications.Received.Count));
        Assert.Empty(_checkout.Received);
    }

    private static async Task<IncidentView> IncidentAsync(HttpClient client, Guid id) =>
        (await client.GetFromJsonAsync<IncidentView>($"/api/incidents/{id}", JsonSerializerOptions.Web))!;

    private static async Task<List<IncidentView>> IncidentsAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<List<IncidentView>>("/api/incidents", JsonSerializerOptions.Web))!;

    /// <summary>Delta points per minute for payment-gateway: requests, of which errors answered 503.</summary>
    private async Task SendAsync(IEnumerable<(DateTimeOffset Minute, long Requests, long Errors)> minutes)
    {
        using var ingest = factory.ClientWithToken(_ingest);
        var content = new ByteArrayContent(OtlpExports.MinuteTraffic("payment-gateway", minutes, TimeSpan.FromSeconds(5)).ToByteArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        Assert.Equal(HttpStatusCode.OK, (await ingest.PostAsync("/v1/metrics", content)).StatusCode);
    }
}
