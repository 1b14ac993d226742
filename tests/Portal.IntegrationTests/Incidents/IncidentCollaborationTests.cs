using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.TestSupport;
using Portal.Web.Features.Incidents;
using Portal.Web.Infrastructure.Extensions;

namespace Portal.IntegrationTests.Incidents;

/// <summary>
/// Working an incident together (issue #21) through the API, which shares its commands with the incident page:
/// comments and the commander (the owning team's; another team's member is refused), incidents declared by hand from a
/// component (anyone who may write; the owning team acts), and ticket alerts that open a ticket incident where a route
/// says so. A loopback receiver in the generic JSON format stands in for the team's channel.
/// </summary>
public sealed class IncidentCollaborationTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IAsyncLifetime
{
    private const string Gateway = "component:default/payment-gateway";
    // One receiver for the class: the portal (one per class fixture) starts with the first test's settings and keeps them.
    private static readonly WebhookRecorder Payments = new();
    // Payments' channel in Slack's format (what people read), and ana's own pager (her personal webhook).
    private static readonly WebhookRecorder PaymentsSlack = new();
    private static readonly WebhookRecorder AnaPager = new();
    private static readonly string[] AnaAlone = ["ana.silva"];
    private string _ana = "", _dana = "";

    public async Task InitializeAsync()
    {
        // Payments' route takes page and ticket incidents and opens an incident for tickets; checkout has no route that does.
        factory.Settings["Portal:Incidents:Receivers:0:Url"] = Payments.Url;
        factory.Settings["Portal:Incidents:Receivers:0:Format"] = "json";
        factory.Settings["Portal:Incidents:Receivers:0:Team"] = "group:default/payments";
        factory.Settings["Portal:Incidents:Receivers:0:OpenIncident"] = "true";
        factory.Settings["Portal:Incidents:Receivers:1:Url"] = PaymentsSlack.Url;
        factory.Settings["Portal:Incidents:Receivers:1:Format"] = "slack";
        factory.Settings["Portal:Incidents:Receivers:1:Team"] = "group:default/payments";
        factory.Settings["Portal:Incidents:Contacts:AllowLoopback"] = "true"; // ana's pager is on loopback
        await factory.SeedDemoAsync();
        (_, _ana) = await factory.UserWithTokenAsync("ana.silva", "ana.silva@northwind.example");   // payments: owns payment-gateway
        (_, _dana) = await factory.UserWithTokenAsync("dana.kim", "dana.kim@northwind.example");    // checkout
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<Guid> OpenIncidentAsync(string title)
    {
        await using var db = await factory.DbAsync();
        var incident = new Incident { Title = title, ComponentRef = Gateway, Severity = "page", TriggeredAt = DateTimeOffset.UtcNow.AddMinutes(-10) };
        db.Incidents.Add(incident);
        await db.SaveChangesAsync();
        return incident.Id;
    }

    private static async Task<IncidentView> ReadAsync(HttpClient client, Guid id) =>
        (await client.GetFromJsonAsync<IncidentView>($"/api/incidents/{id}", JsonSerializerOptions.Web))!;

    [Fact]
    public async Task The_owning_team_comments_in_Markdown_within_the_limit_and_another_team_is_refused_without_a_trace()
    {
        using var ana = factory.ClientWithToken(_ana);
        using var dana = factory.ClientWithToken(_dana);
        var id = await OpenIncidentAsync($"comments-{Guid.NewGuid():N}");

        var posted = await ana.PostAsJsonAsync($"/api/incidents/{id}/comments", new { text = "Card **authorisations** fail at the acquirer. <script>alert(1)</script>" });
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        var comment = Assert.Single((await posted.Content.ReadFromJsonAsync<IncidentView>(JsonSerializerOptions.Web))!.Timeline, e => e.Kind == "comment");
        Assert.Equal("ana.silva", comment.Actor);
        Assert.StartsWith("Card **authorisations** fail", comment.Text, StringComparison.Ordinal);
        // The page renders it as Markdown without the raw HTML.
        var html = Portal.Web.Features.Incidents.Pages.IncidentFormat.Markdown(comment.Text);
        Assert.Contains("<strong>authorisations</strong>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);

        // Empty and oversized comments are refused with the reason, and nothing is added.
        var empty = await ana.PostAsJsonAsync($"/api/incidents/{id}/comments", new { text = "  " });
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        var tooLong = await ana.PostAsJsonAsync($"/api/incidents/{id}/comments", new { text = new string('x', IncidentInput.MaxComment + 1) });
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Contains("at most 4,000 characters", await tooLong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var exactly = await ana.PostAsJsonAsync($"/api/incidents/{id}/comments", new { text = new string('y', IncidentInput.MaxComment) });
        Assert.Equal(HttpStatusCode.OK, exactly.StatusCode);

        // Checkout's member does not own payment-gateway: refused, and the timeline is as it was.
        var refused = await dana.PostAsJsonAsync($"/api/incidents/{id}/comments", new { text = "Not my incident" });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var timeline = (await ReadAsync(ana, id)).Timeline.Where(e => e.Kind == "comment").ToList();
        Assert.Equal(2, timeline.Count);
        Assert.DoesNotContain(timeline, e => e.Actor == "dana.kim");

        Assert.Equal(HttpStatusCode.NotFound, (await ana.PostAsJsonAsync($"/api/incidents/{Guid.NewGuid()}/comments", new { text = "hello" })).StatusCode);
    }

    [Fact]
    public async Task The_commander_is_one_of_the_owning_teams_members_the_change_is_on_the_timeline_and_another_team_cannot_assign()
    {
        using var ana = factory.ClientWithToken(_ana);
        using var dana = factory.ClientWithToken(_dana);
        var id = await OpenIncidentAsync($"commander-{Guid.NewGuid():N}");

        var assigned = await ana.PutAsJsonAsync($"/api/incidents/{id}/commander", new { user = "user:default/ben.okafor" });
        Assert.Equal(HttpStatusCode.OK, assigned.StatusCode);
        var view = (await assigned.Content.ReadFromJsonAsync<IncidentView>(JsonSerializerOptions.Web))!;
        Assert.Equal("ben.okafor", view.Commander);
        var line = Assert.Single(view.Timeline, e => e.Kind == "commander");
        Assert.Equal("ana.silva", line.Actor);
        Assert.Contains("ben.okafor", line.Text, StringComparison.Ordinal);

        // Someone outside payments cannot command its incident; a malformed name is refused before anything is looked up.
        var outsider = await ana.PutAsJsonAsync($"/api/incidents/{id}/commander", new { user = "dana.kim" });
        Assert.Equal(HttpStatusCode.Conflict, outsider.StatusCode);
        Assert.Contains("not a member of group:default/payments", await outsider.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await ana.PutAsJsonAsync($"/api/incidents/{id}/commander", new { user = "ben okafor!" })).StatusCode);

        // Checkout's member may not hand payments' incident to anyone, not even to a payments member.
        Assert.Equal(HttpStatusCode.Forbidden, (await dana.PutAsJsonAsync($"/api/incidents/{id}/commander", new { user = "chen.wei" })).StatusCode);
        Assert.Equal("ben.okafor", (await ReadAsync(ana, id)).Commander);

        // Handing over and standing down are both on the timeline; repeating the same assignment records nothing.
        Assert.Equal(HttpStatusCode.OK, (await ana.PutAsJsonAsync($"/api/incidents/{id}/commander", new { user = "chen.wei" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ana.PutAsJsonAsync($"/api/incidents/{id}/commander", new { user = "chen.wei" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ana.PutAsJsonAsync($"/api/incidents/{id}/commander", new { user = (string?)null })).StatusCode);
        view = await ReadAsync(ana, id);
        Assert.Null(view.Commander);
        Assert.Equal(3, view.Timeline.Count(e => e.Kind == "commander"));
        Assert.Contains(view.Timeline, e => e.Kind == "commander" && e.Text.Contains("from ben.okafor to", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_incident_declared_the_day_after_a_prod_deployment_fails_that_change_in_the_figures_and_in_the_daily_rollup()
    {
        const string Web = "component:default/checkout-web";
        var ci = await Delivery.DeliveryKit.ServiceTokenAsync(factory, $"ci-{Guid.NewGuid():N}", [Portal.Web.Features.Identity.PortalScopes.DeliveryWrite, Portal.Web.Features.Identity.PortalScopes.CatalogRead]);
        using var client = factory.ClientWithToken(ci);
        using var dana = factory.ClientWithToken(_dana);
        // Yesterday, less than 24 hours ago: a day the rollup has closed, so only the incident listener can fail it there.
        var now = DateTimeOffset.UtcNow;
        var finished = now.TimeOfDay < TimeSpan.FromHours(23) ? new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).AddMinutes(-1) : now.AddHours(-23.5);
        var deployed = await Delivery.DeliveryKit.PostDeploymentAsync(client, new
        {
            component = Web, environment = "prod", runId = $"deploy-{Guid.NewGuid():N}", version = "2.4.0",
            commits = new[] { new { sha = "4f1c2a9e8d7b6c5a4f3e2d1c0b9a8f7e6d5c4b3a", committedAt = finished.AddHours(-5) } },
            status = "succeeded", startedAt = finished.AddMinutes(-6), finishedAt = finished, deployedBy = "ci",
        });
        Assert.True(deployed.IsSuccessStatusCode, await deployed.Content.ReadAsStringAsync());
        async Task<(int Changes, int Failed)> RolledAsync()
        {
            await using var db = await factory.DbAsync();
            await db.Database.OpenConnectionAsync();
            var day = DateOnly.FromDateTime(finished.UtcDateTime);
            var totals = await Portal.Web.Features.Delivery.DeliveryRollup.TotalsAsync((Npgsql.NpgsqlConnection)db.Database.GetDbConnection(), [Web], day, day.AddDays(1), CancellationToken.None);
            return (totals.Changes, totals.FailedChanges);
        }
        async Task<Portal.Web.Features.Delivery.DoraFigures> FiguresAsync() =>
            (await client.GetFromJsonAsync<Portal.Web.Features.Delivery.DeliveryMetrics>(
                $"/api/delivery/metrics?component={Uri.EscapeDataString(Web)}&from={Uri.EscapeDataString(finished.AddDays(-1).ToString("O"))}", JsonSerializerOptions.Web))!.Figures;
        Assert.Equal((1, 0), await RolledAsync());
        Assert.Equal(0, (await FiguresAsync()).FailedChanges);

        // Someone declares an incident by hand: the change it followed counts as failed, exactly and in the rollup.
        var declared = await dana.PostAsJsonAsync("/api/incidents", new { component = Web, title = $"Checkout pages blank {Guid.NewGuid():N}", severity = "ticket" });
        Assert.Equal(HttpStatusCode.Created, declared.StatusCode);

        var after = await FiguresAsync();
        Assert.Equal((1, 1, 1.0), (after.Changes, after.FailedChanges, after.ChangeFailureRate));
        Assert.Equal((1, 1), await RolledAsync());
    }

    [Fact]
    public async Task Anyone_who_may_write_declares_an_incident_on_any_component_it_is_routed_with_its_dependents_and_only_the_owning_team_works_it()
    {
        using var ana = factory.ClientWithToken(_ana);
        using var dana = factory.ClientWithToken(_dana);
        var title = $"Payments time out from checkout {Guid.NewGuid():N}";

        // Checkout notices payment-gateway failing and declares it, though payments owns it.
        var declared = await dana.PostAsJsonAsync("/api/incidents", new { component = Gateway, title, severity = "page", summary = "Since 10:02 **every** payment times out." });
        Assert.Equal(HttpStatusCode.Created, declared.StatusCode);
        var incident = (await declared.Content.ReadFromJsonAsync<IncidentView>(JsonSerializerOptions.Web))!;
        Assert.Equal($"/api/incidents/{incident.Id}", declared.Headers.Location?.OriginalString);
        Assert.Equal(("page", IncidentLifecycle.Triggered, "dana.kim", "group:default/payments"), (incident.Severity, incident.Status, incident.DeclaredBy, incident.Owner));
        Assert.Null(incident.SloId);
        Assert.Contains("component:default/order-service", incident.Dependents);
        Assert.Contains(incident.Timeline, e => e.Kind == "comment" && e.Actor == "dana.kim" && e.Text.Contains("**every**", StringComparison.Ordinal));

        // Routed like an alert's: payments' channel hears of it, with the summary.
        await Wait.UntilAsync(() => Payments.Events("incident.trigger").Any(e => e.GetProperty("title").GetString() == title), TimeSpan.FromSeconds(30), "the declared incident at the receiver");
        var sent = Payments.Events("incident.trigger").Single(e => e.GetProperty("title").GetString() == title);
        Assert.Equal(Gateway, sent.GetProperty("component").GetString());
        Assert.Contains("every", sent.GetProperty("explanation").GetString(), StringComparison.Ordinal);

        // The declarer's team does not own it: acknowledging is payments' job.
        Assert.Equal(HttpStatusCode.Forbidden, (await dana.PostAsync($"/api/incidents/{incident.Id}/acknowledge", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ana.PostAsync($"/api/incidents/{incident.Id}/acknowledge", null)).StatusCode);

        // Bad input: a clear 400 per field, an unknown component 404, nothing created.
        var bad = await dana.PostAsJsonAsync("/api/incidents", new { component = Gateway, title = new string('t', IncidentInput.MaxTitle + 1), severity = "sev1" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var problems = await bad.Content.ReadAsStringAsync();
        Assert.Contains("title is 1-200 characters", problems, StringComparison.Ordinal);
        Assert.Contains("severity is one of page, ticket", problems, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound,
            (await dana.PostAsJsonAsync("/api/incidents", new { component = "component:default/no-such-thing", title = "x", severity = "ticket" })).StatusCode);
        await using var db = await factory.DbAsync();
        Assert.Equal(0, await db.Incidents.CountAsync(i => i.ComponentRef == "component:default/no-such-thing"));
    }

    [Fact]
    public async Task A_ticket_alert_opens_a_ticket_incident_where_the_route_says_so_deduplicated_and_raised_to_page_and_elsewhere_only_notifies()
    {
        // payments' on-call is ana, paged at her own webhook.
        using var ana = factory.ClientWithToken(_ana);
        Assert.Equal(HttpStatusCode.OK, (await ana.PutAsJsonAsync("/api/oncall/contacts/ana.silva", new OnCallContactRequest(null, "slack", AnaPager.Url))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ana.PutAsJsonAsync("/api/oncall/schedules/payments-tickets", new
        {
            team = "group:default/payments",
            layers = new object[] { new { name = "Primary", users = AnaAlone, rotationStart = DateTimeOffset.UtcNow.AddDays(-1), handoffHours = 168, escalateAfterMinutes = 5 } },
        })).StatusCode);
        var listener = factory.Services.GetServices<IAlertListener>().OfType<IncidentAlertListener>().Single();
        var sloId = Guid.NewGuid();
        var checkoutSlo = Guid.NewGuid();
        var at = DateTimeOffset.UtcNow;
        AlertChange Firing(string component, Guid slo, string rule, string severity) => new("slo.alert.firing", Guid.NewGuid(), slo, "gateway-latency", component,
            rule, severity, $"{severity.ToUpperInvariant()}: gateway-latency", "Burning slowly.", null, new Dictionary<string, string>(), at);

        // Two ticket rules of the same SLO on payments' component: one ticket incident, paging nobody.
        await listener.OnAlertsAsync([Firing(Gateway, sloId, "ticket-6h-30m", "ticket"), Firing(Gateway, sloId, "ticket-3d-6h", "ticket")], CancellationToken.None);
        // Checkout's component: its team has no route that opens ticket incidents, so the alert only notifies.
        await listener.OnAlertsAsync([Firing("component:default/order-service", checkoutSlo, "ticket-6h-30m", "ticket")], CancellationToken.None);
        await using (var db = await factory.DbAsync())
        {
            var incident = Assert.Single(await db.Incidents.AsNoTracking().Where(i => i.SloId == sloId).ToListAsync());
            Assert.Equal(("ticket", IncidentLifecycle.Triggered), (incident.Severity, incident.Status));
            Assert.Null(incident.PagedAt);
            Assert.Equal(2, await db.IncidentEvents.CountAsync(e => e.IncidentId == incident.Id && e.Kind == "alert.firing"));
            Assert.False(await db.Incidents.AnyAsync(i => i.SloId == checkoutSlo));
        }
        await Wait.UntilAsync(() => Payments.Events("incident.trigger").Any(e => e.GetProperty("slo").GetString() == "gateway-latency"), TimeSpan.FromSeconds(30), "the ticket incident at the receiver");
        var ticket = Payments.Events("incident.trigger").Single(e => e.GetProperty("slo").GetString() == "gateway-latency");
        Assert.Equal("ticket", ticket.GetProperty("severity").GetString());
        Assert.Equal(sloId.ToString(), ticket.GetProperty("incident").GetString() is { } incidentId ? (await IncidentSloAsync(Guid.Parse(incidentId))).ToString() : "");

        // The same SLO burning fast enough to page joins the ticket incident and raises it to page.
        Assert.Empty(AnaPager.Received); // a ticket pages nobody
        await listener.OnAlertsAsync([Firing(Gateway, sloId, "page-1h-5m", "page")], CancellationToken.None);
        Guid id;
        await using (var db = await factory.DbAsync())
        {
            var incident = Assert.Single(await db.Incidents.AsNoTracking().Where(i => i.SloId == sloId).ToListAsync());
            id = incident.Id;
            Assert.Equal(("page", "ana.silva"), (incident.Severity, incident.OnCall));
            var timeline = await db.IncidentEvents.AsNoTracking().Where(e => e.IncidentId == id).Select(e => new { e.Kind, e.Text }).ToListAsync();
            Assert.Single(timeline, e => e.Kind == IncidentLifecycle.Triggered);
            Assert.StartsWith("Raised from ticket to page by the page-1h-5m alert", Assert.Single(timeline, e => e.Kind == "severity").Text, StringComparison.Ordinal);
            Assert.StartsWith("Paged ana.silva", Assert.Single(timeline, e => e.Kind == "paged").Text, StringComparison.Ordinal);
        }

        // The raise is one severity change, not a second opening: the JSON channel has one trigger and one raise...
        var json = Payments.Received.Where(b => b.GetProperty("incident").GetString() == id.ToString()).Select(b => b.GetProperty("event").GetString()).ToList();
        Assert.Equal(["incident.trigger", "incident.raise"], json);
        Assert.Equal("page", Payments.Events("incident.raise").Single(b => b.GetProperty("incident").GetString() == id.ToString()).GetProperty("severity").GetString());
        // ...the Slack channel reads "opened" once (the ticket) and then "raised"...
        var slack = PaymentsSlack.Received.Where(b => b.GetRawText().Contains($"/incidents/{id}", StringComparison.Ordinal))
            .Select(b => b.GetProperty("text").GetString()!).ToList();
        Assert.Equal(2, slack.Count);
        Assert.StartsWith("Incident opened (ticket)", slack[0], StringComparison.Ordinal);
        Assert.StartsWith("Incident raised from ticket to page (page)", slack[1], StringComparison.Ordinal);
        // ...and ana, paged for the first time for it, gets one page that says why.
        var paged = Assert.Single(AnaPager.Received);
        Assert.StartsWith("Incident raised from ticket to page (page)", paged.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains("ana.silva (layer 1)", paged.GetProperty("blocks").GetRawText(), StringComparison.Ordinal);

        // A ticket and a page alert of another SLO in the same cycle: one page incident, opened once in the page alert's words.
        var both = Guid.NewGuid();
        await listener.OnAlertsAsync([Firing(Gateway, both, "ticket-6h-30m", "ticket"), Firing(Gateway, both, "page-1h-5m", "page")], CancellationToken.None);
        var bothId = (await IncidentIdOfSloAsync(both)).ToString();
        var sent = Assert.Single(Payments.Received, b => b.GetProperty("incident").GetString() == bothId);
        Assert.Equal(("incident.trigger", "page", "PAGE: gateway-latency"), (sent.GetProperty("event").GetString(), sent.GetProperty("severity").GetString(),
            sent.GetProperty("title").GetString()));
        Assert.Equal(2, AnaPager.Received.Count);
    }

    private async Task<Guid> IncidentIdOfSloAsync(Guid sloId)
    {
        await using var db = await factory.DbAsync();
        return await db.Incidents.Where(i => i.SloId == sloId).Select(i => i.Id).SingleAsync();
    }

    private async Task<Guid?> IncidentSloAsync(Guid incidentId)
    {
        await using var db = await factory.DbAsync();
        return await db.Incidents.Where(i => i.Id == incidentId).Select(i => i.SloId).SingleAsync();
    }
}
