using System.Text.Json;
using System.Text.RegularExpressions;
using Google.Protobuf;
using Microsoft.Playwright;
using Portal.TestSupport;
using Portal.Web.Features.Slo;
using Portal.Web.Features.Slo.Ingestion;
using Portal.Web.Features.Slo.Otlp.Collector;
using Portal.Web.Features.Slo.Otlp.Common;
using Portal.Web.Features.Slo.Otlp.Metrics;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E;

/// <summary>
/// The on-call dashboard and an incident page, with an incident the portal's own minute jobs open from bad OTLP traffic
/// (no shortcut: the portal process runs Hangfire), worked through the page: a checklist tick, acknowledge and resolve
/// with their confirmations, and the postmortem drafted from the timeline.
/// </summary>
[Collection(PortalBrowserCollection.Name)]
public sealed class OnCallBrowserTests(PortalBrowserFixture fixture) : BrowserTest(fixture)
{
    private static readonly string[] IngestScopes = ["slo:ingest"], DeliveryScopes = ["delivery:write"];
    private static readonly string[] Primary = ["ana.silva"], Secondary = ["chen.wei"];

    [BrowserFact]
    public async Task The_dashboard_shows_who_is_on_call_and_the_open_incident_whose_page_acknowledges_and_resolves_it_with_a_postmortem()
    {
        await SignInAsync(returnUrl: "/oncall");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "On call", Level = 1 })).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("nav-oncall")).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("oncall-now")).ToBeVisibleAsync();

        // Payments' schedule (unique name: tests share the portal), an SLO on fraud-scoring, and an hour of 20 % errors.
        var schedule = $"e2e-payments-{Guid.NewGuid():N}"[..24];
        await ApiAsync("PUT", $"/api/oncall/schedules/{schedule}", new
        {
            team = "group:default/payments",
            layers = new object[]
            {
                new { name = "Primary", users = Primary, rotationStart = "2026-01-05T09:00:00Z", handoffHours = 168, escalateAfterMinutes = 30 },
                new { name = "Secondary", users = Secondary, rotationStart = "2026-01-05T09:00:00Z", handoffHours = 24, escalateAfterMinutes = 30 },
            },
        });
        // Other tests' SLOs on fraud-scoring open incidents too: this test follows the one of its own SLO.
        var sloName = $"fraud-oncall-{Guid.NewGuid():N}"[..20];
        var slo = await ApiAsync("POST", "/api/slos", new
        {
            name = sloName, component = "fraud-scoring", indicator = "availability", target = 0.999m,
            window = new { kind = "rolling", days = 30 },
        });
        // A deploy of fraud-scoring 20 minutes ago (as CI reports it) and an environment of it requested now: both on the
        // dashboard's recent changes and on the incident's timeline.
        var version = $"9.{Guid.NewGuid():N}"[..10];
        var environment = $"fraud-e2e-{Guid.NewGuid():N}"[..16];
        var ci = await CreateTokenAsync(DeliveryScopes);
        var deployed = await Page.APIRequest.PostAsync("/api/delivery/deployments", new()
        {
            DataObject = new
            {
                component = "fraud-scoring", environment = "prod", runId = $"e2e-{Guid.NewGuid():N}", version, commitSha = "0123456789abcdef0123456789abcdef01234567",
                status = "succeeded", startedAt = DateTimeOffset.UtcNow.AddMinutes(-24), finishedAt = DateTimeOffset.UtcNow.AddMinutes(-20), deployedBy = "release-bot",
            },
            Headers = new Dictionary<string, string> { ["Authorization"] = $"Bearer {ci}" },
        });
        Assert.True(deployed.Ok, $"POST /api/delivery/deployments: {deployed.Status} {await deployed.TextAsync()}");
        await ApiAsync("POST", "/api/environments", new { name = environment, component = "fraud-scoring", type = "dev", tier = "small", ttl = "1d" });
        var token = await CreateTokenAsync(IngestScopes);
        var now = SloMath.MinuteOf(DateTimeOffset.UtcNow);
        var sent = await Page.APIRequest.PostAsync("/v1/metrics", new()
        {
            DataByte = Export("fraud-scoring", Enumerable.Range(0, 70).Select(i => now.AddMinutes(-i))).ToByteArray(),
            Headers = new Dictionary<string, string> { ["Authorization"] = $"Bearer {token}", ["Content-Type"] = "application/x-protobuf" },
        });
        Assert.True(sent.Ok, $"POST /v1/metrics: {sent.Status}");

        // The minute job: pending, then firing a minute later, which opens the incident. The first cycle runs now, as an
        // admin's "Trigger now" in the jobs dashboard runs it (otherwise it would wait for the next minute): the rule goes
        // pending; the cycle the portal schedules in the next minute finds it still burning, fires it and opens the incident.
        await TriggerAlertCycleAsync();
        string sloId;
        using (var created = JsonDocument.Parse(slo))
        {
            sloId = created.RootElement.GetProperty("id").GetString()!;
        }
        string? incidentId = null;
        await Wait.UntilAsync(async () =>
        {
            var list = await Page.APIRequest.GetAsync("/api/incidents?status=triggered");
            using var json = JsonDocument.Parse(await list.TextAsync());
            incidentId = json.RootElement.EnumerateArray().Where(i => i.GetProperty("sloId").GetString() == sloId)
                .Select(i => i.GetProperty("id").GetString()).FirstOrDefault();
            return incidentId is not null;
        }, TimeSpan.FromMinutes(3), "the alert job to open an incident for fraud-scoring");

        await GotoAsync("/oncall");
        var row = Page.GetByTestId("oncall-incident").Filter(new() { HasText = sloName });
        await Expect(row).ToContainTextAsync("page");
        await Expect(row).ToContainTextAsync("Ana Silva (layer 1)");
        await Expect(row.GetByRole(AriaRole.Link, new() { Name = "Runbook" })).ToHaveAttributeAsync("href", new Regex("^https://"));
        await Expect(Page.GetByTestId("oncall-layer").Filter(new() { HasText = "Chen Wei" }).First).ToContainTextAsync("Secondary");
        await Expect(Page.GetByTestId("oncall-alerts")).ToContainTextAsync("fraud-scoring");
        var changes = Page.GetByTestId("oncall-changes");
        await Expect(changes.GetByTestId("oncall-change").Filter(new() { HasText = $"Deployed fraud-scoring {version} to prod: succeeded." })).ToContainTextAsync("release-bot");
        await Expect(changes.GetByTestId("oncall-change").Filter(new() { HasText = $"Environment {environment} (small) of fraud-scoring requested." })).ToHaveCountAsync(1);
        // The portal's own health: the alert cycle that just opened the incident ran within the last minutes.
        var health = Page.GetByTestId("oncall-portal-health");
        await Expect(health.GetByTestId("oncall-job").Filter(new() { HasText = "SLO alert cycle" })).ToHaveAttributeAsync("data-status", "ok");
        await Expect(health.GetByTestId("oncall-job").Filter(new() { HasText = "Incident escalation" })).ToHaveAttributeAsync("data-status", new Regex("^(ok|never)$"));
        await Expect(health.GetByTestId("oncall-portal-slos")).ToBeVisibleAsync();
        await Expect(health.GetByTestId("oncall-failed-jobs")).ToContainTextAsync("failed background job");
        await ScreenshotAsync("Dashboard");

        await row.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("^fraud-oncall-") }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex($"/incidents/{incidentId}$"));
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("fraud-scoring");
        // Named as people call the component, not by its ref (issue #24).
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).Not.ToContainTextAsync("component:default/");
        await Expect(Page.GetByTestId("incident-status")).ToHaveTextAsync("triggered");
        await Expect(Page.GetByTestId("incident-oncall")).ToHaveTextAsync("Ana Silva (layer 1)");
        await Expect(Page.GetByTestId("incident-oncall").Locator("a")).ToHaveAttributeAsync("title", "user:default/ana.silva");
        // fraud-scoring provides the fraud API that payment-gateway consumes.
        await Expect(Page.GetByTestId("incident-dependents").GetByRole(AriaRole.Link, new() { Name = "payment-gateway", Exact = true }))
            .ToHaveAttributeAsync("title", "component:default/payment-gateway");
        await Expect(Page.GetByTestId("incident-timeline")).ToContainTextAsync("Paged Ana Silva");
        // The deploy and the environment request before it opened are on its timeline in time order.
        var timeline = Page.GetByTestId("incident-timeline");
        await Expect(timeline.Locator("tr[data-kind=deploy]").Filter(new() { HasText = version })).ToHaveCountAsync(1);
        var kinds = await timeline.Locator("tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.kind + '|' + r.cells[2].textContent)");
        var deployLine = Array.FindIndex(kinds, k => k.Contains(version, StringComparison.Ordinal));
        var requestLine = Array.FindIndex(kinds, k => k.Contains($"{environment} (small) of fraud-scoring requested", StringComparison.Ordinal));
        var openedLine = Array.FindIndex(kinds, k => k.StartsWith("triggered|", StringComparison.Ordinal));
        Assert.True(deployLine >= 0 && deployLine < requestLine && requestLine < openedLine, string.Join("\n", kinds));
        await Expect(Page.GetByTestId("incident-postmortem")).ToContainTextAsync("draft until the incident resolves");
        // The team by its profile's display name, the ref on hover.
        await Expect(Page.GetByTestId("incident-facts").GetByRole(AriaRole.Link, new() { Name = "Payments", Exact = true }))
            .ToHaveAttributeAsync("title", "group:default/payments");
        await ScreenshotAsync("Incident_triggered");

        var triage = Page.GetByRole(AriaRole.Checkbox, new() { NameRegex = new Regex("^Triage") });
        await triage.ClickAsync();
        await Expect(triage).ToBeCheckedAsync();
        await Expect(Page.GetByTestId("incident-timeline")).ToContainTextAsync("Ticked 'triage' on the checklist.");

        // Acknowledge asks first; Cancel changes nothing.
        await Page.GetByTestId("incident-acknowledged").ClickAsync();
        var dialog = Page.GetByRole(AriaRole.Dialog);
        await Expect(dialog).ToContainTextAsync("Escalation to the next on-call layer stops");
        await ScreenshotAsync("Acknowledge_confirmation");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Expect(Page.GetByTestId("incident-status")).ToHaveTextAsync("triggered");
        await Page.GetByTestId("incident-acknowledged").ClickAsync();
        await Page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Acknowledge" }).ClickAsync();
        await Expect(Page.GetByTestId("incident-status")).ToHaveTextAsync("acknowledged");
        await Expect(Page.GetByTestId("incident-acknowledged")).ToHaveCountAsync(0);

        await Page.GetByTestId("incident-resolved").ClickAsync();
        await Page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Resolve" }).ClickAsync();
        await Expect(Page.GetByTestId("incident-status")).ToHaveTextAsync("resolved");
        await Expect(Page.GetByTestId("incident-postmortem")).Not.ToContainTextAsync("draft until");
        // The drafted postmortem, in the editor: the text without its action items, which are rows of their own.
        var postmortem = Page.GetByTestId("postmortem-text");
        await Expect(postmortem).ToHaveValueAsync(new Regex("# Postmortem:[\\s\\S]*Resolved by admin\\."));
        await Expect(Page.GetByTestId("postmortem-action-text").First).ToHaveValueAsync("Fix the root cause");
        await Expect(Page.GetByTestId("postmortem-action-owner").First).ToHaveValueAsync("group:default/payments");
        await ScreenshotAsync("Incident_resolved");

        // Edit, preview, save; a reload shows what was saved.
        await postmortem.FillAsync("# Postmortem\n\n## Root cause\n\nA scoring model rollout with a bad threshold.");
        await Page.GetByTestId("postmortem-action-remove").First.ClickAsync();
        await Expect(Page.GetByTestId("postmortem-action")).ToHaveCountAsync(2);
        await Page.GetByLabel("Preview").CheckAsync();
        await Expect(Page.GetByTestId("incident-postmortem-text").GetByRole(AriaRole.Heading, new() { Name = "Root cause" })).ToBeVisibleAsync();
        await ScreenshotAsync("Postmortem_preview");
        await Page.GetByLabel("Preview").UncheckAsync();
        await Page.GetByTestId("postmortem-save").ClickAsync();
        await Expect(Page.GetByTestId("incident-postmortem")).Not.ToContainTextAsync("not saved yet");
        await Page.ReloadAsync();
        await Expect(Page.GetByTestId("postmortem-text")).ToHaveValueAsync(new Regex("A scoring model rollout with a bad threshold\\."));
        await Expect(Page.GetByTestId("postmortem-action")).ToHaveCountAsync(2);

        await GotoAsync("/oncall");
        await Expect(Page.GetByTestId("oncall-incident").Filter(new() { HasText = sloName })).ToHaveCountAsync(0);

        // A maintenance window planned for fraud-scoring (in two days, so it silences nothing the other tests expect) is
        // announced on its catalog page and on its SLO's page.
        var reason = $"Replacing the scoring model {Guid.NewGuid():N}"[..36];
        var startsAt = DateTimeOffset.UtcNow.AddDays(2);
        await ApiAsync("POST", "/api/maintenance-windows", new { component = "fraud-scoring", startsAt, minutes = 45, reason });
        await GotoAsync("/catalog/component/default/fraud-scoring");
        var banner = Page.GetByTestId("maintenance-banner").Filter(new() { HasText = reason });
        await Expect(banner).ToContainTextAsync("Maintenance planned (this component)");
        await Expect(banner).ToContainTextAsync(startsAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture));
        await ScreenshotAsync("Component_maintenance");
        using (var json = JsonDocument.Parse(slo))
        {
            await GotoAsync($"/slos/{json.RootElement.GetProperty("id").GetString()}");
        }
        await Expect(Page.GetByTestId("maintenance-banner").Filter(new() { HasText = reason })).ToContainTextAsync("Alerts then will be recorded, not routed.");
        await ScreenshotAsync("Slo_maintenance");
        AssertNoConsoleErrors();
    }

    /// <summary>
    /// Ticks the alert cycle's row in the Hangfire dashboard (<c>/hangfire/recurring</c>, admin only) and presses "Trigger now",
    /// in a tab of its own: the dashboard is Hangfire's page, not the portal's, so it is not held to the portal's console rule.
    /// </summary>
    private async Task TriggerAlertCycleAsync()
    {
        var dashboard = await Page.Context.NewPageAsync();
        try
        {
            await dashboard.GotoAsync("/hangfire/recurring");
            await dashboard.Locator($"input.js-jobs-list-checkbox[value='{SloReads.AlertJobId}']").CheckAsync();
            var triggered = await dashboard.RunAndWaitForResponseAsync(
                () => dashboard.Locator("button.js-jobs-list-command[data-url$='/recurring/trigger']").ClickAsync(),
                response => response.Url.EndsWith("/hangfire/recurring/trigger", StringComparison.Ordinal));
            Assert.True(triggered.Ok, $"Trigger now: {triggered.Status}");
        }
        finally
        {
            await dashboard.CloseAsync();
        }
    }

    private async Task<string> ApiAsync(string method, string path, object body)
    {
        var response = await Page.APIRequest.FetchAsync(path, new()
        {
            Method = method, DataObject = body, Headers = new Dictionary<string, string> { ["Origin"] = PortalOrigin },
        });
        Assert.True(response.Ok, $"{method} {path}: {response.Status} {await response.TextAsync()}");
        return await response.TextAsync();
    }

    private async Task<string> CreateTokenAsync(string[] scopes)
    {
        var response = await Page.APIRequest.PostAsync("/api/identity/tokens", new()
        {
            DataObject = new { name = $"e2e-oncall-{Guid.NewGuid():N}"[..20], kind = 1, scopes, expiresInDays = 1 },
            Headers = new Dictionary<string, string> { ["Origin"] = PortalOrigin },
        });
        Assert.True(response.Ok, $"POST /api/identity/tokens: {response.Status} {await response.TextAsync()}");
        using var json = JsonDocument.Parse(await response.TextAsync());
        return json.RootElement.GetProperty("token").GetString()!;
    }

    /// <summary>Delta histograms per minute: 500 requests, 100 of them 503s.</summary>
    private static ExportMetricsServiceRequest Export(string service, IEnumerable<DateTimeOffset> minutes)
    {
        return OtlpExports.MinuteTraffic(service, minutes.Select(m => (m, 500L, 100L)), TimeSpan.FromSeconds(30));
    }
}
