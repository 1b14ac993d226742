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
/// The personal home (issue #24): a Payments member sees their team, their services, their environments with expiry,
/// their SLO at risk with each service's SLO, cost and scorecard facts, the incidents card, their starred entity and their (empty)
/// tasks; an approver sees the request waiting for them; an admin also sees platform health.
/// </summary>
[Collection(PortalBrowserCollection.Name)]
public sealed partial class HomeBrowserTests(PortalBrowserFixture fixture) : BrowserTest(fixture)
{
    private static readonly string[] IngestScopes = ["slo:ingest"];

    [BrowserFact]
    public async Task A_member_sees_their_services_environments_slo_at_risk_and_stars_and_an_approver_the_request_waiting()
    {
        var approverName = $"home-approver-{Guid.NewGuid():N}"[..22];
        await SignInAsync();
        // ben.okafor is a member of the Payments team in the demo catalog; the approver is in no team.
        await CreateUserAsync("ben.okafor", []);
        await CreateUserAsync(approverName, ["approver"]);

        // One of the team's services burns its error budget: the last ten minutes fail one request in three.
        var token = await CreateIngestTokenAsync();
        var now = SloMath.MinuteOf(DateTimeOffset.UtcNow);
        var metrics = await PostAsync("/v1/metrics", null, token, Export("fraud-scoring", Enumerable.Range(1, 10).Select(i => now.AddMinutes(-i))));
        Assert.True(metrics.Ok, $"POST /v1/metrics: {metrics.Status} {await metrics.TextAsync()}");
        var slo = await PostAsync("/api/slos", new
        {
            name = "home-fraud-availability", displayName = "Fraud scoring availability", component = "fraud-scoring", indicator = "availability",
            target = 0.999m, window = new { kind = "rolling", days = 7 },
        });
        Assert.True(slo.Ok, $"POST /api/slos: {slo.Status} {await slo.TextAsync()}");

        await SignInAsNewUserCheckedAsync("ben.okafor", "ben-own-password-1");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Home", Level = 1 })).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("home-teams")).ToContainTextAsync("Payments");
        var services = Page.GetByTestId("home-my-services");
        await Expect(services.GetByRole(AriaRole.Link, new() { Name = "payment-gateway" })).ToBeVisibleAsync();
        await Expect(services.GetByRole(AriaRole.Link, new() { Name = "cart-service" })).ToHaveCountAsync(0); // Checkout's
        await Expect(Page.GetByTestId("home-approvals")).ToHaveCountAsync(0); // members decide nothing
        await Expect(Page.GetByTestId("home-tasks")).ToContainTextAsync("You have run no template yet");
        await Expect(Page.GetByTestId("home-starred")).ToContainTextAsync("Nothing starred yet");
        var atRisk = Page.GetByTestId("home-slo").Filter(new() { HasText = "Fraud scoring availability" });
        await Expect(atRisk).ToContainTextAsync("Breached");
        await Expect(atRisk).ToContainTextAsync("fraud-scoring");
        // My services carry the other features' facts: the burning service's SLO status (linking to its SLO tab) and a scorecard column.
        await Expect(services.GetByRole(AriaRole.Columnheader, new() { Name = "SLOs" })).ToBeVisibleAsync();
        await Expect(services.GetByRole(AriaRole.Columnheader, new() { Name = "Cost this month" })).ToBeVisibleAsync();
        await Expect(services.GetByRole(AriaRole.Columnheader, new() { Name = "Scorecard" })).ToBeVisibleAsync();
        var fraudRow = services.GetByTestId("home-service").Filter(new() { HasText = "fraud-scoring" });
        var fraudSlo = fraudRow.Locator("td[data-column='SLOs']");
        await Expect(fraudSlo).ToContainTextAsync("Breached");
        // Other browser tests may define more SLOs on fraud-scoring in the shared portal: counted, not assumed.
        await Expect(fraudSlo).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"\b\d+ SLOs?\b"));
        await Expect(fraudSlo.GetByRole(AriaRole.Link)).ToHaveAttributeAsync("href", "/catalog/component/default/fraud-scoring?tab=slos");
        // Incidents on the team's services: a card either way (the burning SLO may have paged by now), never another team's.
        var incidents = Page.GetByTestId("home-incidents");
        await Expect(incidents.GetByRole(AriaRole.Heading, new() { Name = "Incidents on my services" })).ToBeVisibleAsync();
        await Expect(incidents.GetByTestId("home-incident").Filter(new() { HasText = "cart-service" })).ToHaveCountAsync(0);
        await Expect(Page.GetByTestId("home-platform-health")).ToHaveCountAsync(0); // members do not run the platform

        // Ben asks for a dev environment (ready at once) and a prod one (waits for an approver), and stars a system.
        var dev = await PostAsync("/api/environments", new { name = "home-e2e-dev", component = "refund-service", type = "dev", tier = "small", ttl = "2d" });
        Assert.True(dev.Ok, $"POST /api/environments: {dev.Status} {await dev.TextAsync()}");
        var prod = await PostAsync("/api/environments", new { name = "home-e2e-prod", component = "payment-gateway", type = "prod", tier = "medium", region = "us-east-1" });
        Assert.True(prod.Ok, $"POST /api/environments: {prod.Status} {await prod.TextAsync()}");
        var star = await Page.APIRequest.PutAsync("/api/catalog/stars/system/default/checkout", new() { Headers = new Dictionary<string, string> { ["Origin"] = PortalOrigin } });
        Assert.True(star.Ok, $"PUT star: {star.Status}");

        // Ben opens a service's page: the home then lists it under "Recently visited".
        await Expect(Page.GetByTestId("home-recent-none")).ToBeVisibleAsync();
        await OpenAsync("/catalog/component/default/refund-service");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("refund-service");

        var devRow = Page.GetByTestId("home-environment").Filter(new() { HasText = "home-e2e-dev" });
        await Wait.UntilAsync(async () =>
        {
            await OpenAsync("/");
            return await devRow.CountAsync() == 1 && await devRow.GetByTestId("environment-status").TextContentAsync() == "Ready";
        }, TimeSpan.FromMinutes(2), "the dev environment ready on the home");
        await Expect(devRow.GetByTestId("home-environment-expiry")).ToHaveTextAsync(InAboutTwoDays());
        await Expect(devRow).ToContainTextAsync("refund-service");
        var prodRow = Page.GetByTestId("home-environment").Filter(new() { HasText = "home-e2e-prod" });
        await Expect(prodRow.GetByTestId("environment-status")).ToHaveTextAsync("Pending approval");
        var starred = Page.GetByTestId("home-starred-item").Filter(new() { HasText = "Checkout" });
        await Expect(starred).ToHaveCountAsync(1);
        await Expect(starred.GetByRole(AriaRole.Link)).ToHaveAttributeAsync("href", "/catalog/system/default/checkout");
        await Expect(Page.GetByTestId("home-recent-item").GetByRole(AriaRole.Link)).ToHaveAttributeAsync("href", "/catalog/component/default/refund-service");
        await ScreenshotAsync("Member");

        // The environment's link leads to its page.
        await devRow.GetByRole(AriaRole.Link, new() { Name = "home-e2e-dev" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "home-e2e-dev", Level = 1 })).ToBeVisibleAsync();

        // The approver: the request waits for them, with who asked; they have no team, which the home says.
        await Page.Context.ClearCookiesAsync();
        await SignInAsNewUserCheckedAsync(approverName, "approver-own-password-1");
        var waiting = Page.GetByTestId("home-approval").Filter(new() { HasText = "home-e2e-prod" });
        // Who asked by their profile name (user name on hover); the service on one line.
        await Expect(waiting.Locator("[title='ben.okafor']")).ToHaveTextAsync("Ben Okafor");
        await Expect(waiting).ToContainTextAsync("payment-gateway");
        Assert.Equal("nowrap", await waiting.GetByTestId("home-environment-service").EvaluateAsync<string>("e => getComputedStyle(e).whiteSpace"));
        await Expect(Page.GetByTestId("home-no-team")).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("home-incidents")).ToContainTextAsync("You are in no team yet, so no incident is yours.");
        await ScreenshotAsync("Approver");
        await Page.GetByTestId("home-approvals").GetByRole(AriaRole.Link, new() { NameRegex = DecideLink() }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Approvals", Level = 1 })).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("approval-card").Filter(new() { HasText = "home-e2e-prod" })).ToBeVisibleAsync();
        AssertNoConsoleErrors();
    }

    [BrowserFact]
    public async Task An_admin_also_sees_platform_health_the_portals_own_slo_metrics_freshness_and_background_jobs()
    {
        await SignInAsync();
        var slo = await PostAsync("/api/slos", new
        {
            name = $"home-portal-{Guid.NewGuid():N}"[..20], displayName = "Portal availability (home test)", component = "portal", indicator = "availability",
            target = 0.999m, window = new { kind = "rolling", days = 7 },
        });
        Assert.True(slo.Ok, $"POST /api/slos: {slo.Status} {await slo.TextAsync()}");

        await GotoAsync("/");
        var health = Page.GetByTestId("home-platform-health");
        await Expect(health.GetByRole(AriaRole.Heading, new() { Name = "Platform health", Level = 2 })).ToBeVisibleAsync();
        await Expect(health.GetByTestId("platform-slo").Filter(new() { HasText = "Portal availability (home test)" })).ToBeVisibleAsync();
        // The jobs line states a count either way ("No failed jobs" or "N failed job(s)"); other tests may fail jobs on purpose.
        await Expect(health.GetByTestId("platform-failed-jobs")).ToHaveTextAsync(FailedJobs());
        await Expect(health.GetByTestId("platform-jobs")).ToContainTextAsync("processing");
        await Expect(health.GetByTestId("platform-own-metrics")).ToBeVisibleAsync();
        await Expect(health.GetByRole(AriaRole.Link, new() { Name = "Jobs dashboard" })).ToHaveAttributeAsync("href", "/hangfire");
        await ScreenshotAsync("Admin");
        AssertNoConsoleErrors();
    }

    private async Task CreateUserAsync(string userName, string[] roles)
    {
        var created = await PostAsync("/api/identity/users", new { userName, password = "given-password-12", roles });
        Assert.True(created.Status == 201, await created.TextAsync());
    }

    /// <summary>Signs in with the given password; a new account chooses its own first, then lands on the home.</summary>
    /// <summary>A new account's first sign-in, then the home page as it greets them must pass axe.</summary>
    private async Task SignInAsNewUserCheckedAsync(string userName, string ownPassword)
    {
        await SignInAsNewUserAsync(userName, ownPassword);
        await AssertAccessibleAsync("home", reloadAllowed: false);
    }

    private async Task<IAPIResponse> PostAsync(string path, object? json, string? token = null, ExportMetricsServiceRequest? protobuf = null)
    {
        var headers = new Dictionary<string, string> { ["Origin"] = PortalOrigin };
        if (token is not null)
        {
            headers["Authorization"] = $"Bearer {token}";
            headers["Content-Type"] = "application/x-protobuf";
        }
        return protobuf is not null
            ? await Page.APIRequest.PostAsync(path, new() { DataByte = protobuf.ToByteArray(), Headers = headers })
            : await Page.APIRequest.PostAsync(path, new() { DataObject = json, Headers = headers });
    }

    private async Task<string> CreateIngestTokenAsync()
    {
        var response = await PostAsync("/api/identity/tokens", new { name = $"e2e-home-{Guid.NewGuid():N}"[..20], kind = 1, scopes = IngestScopes, expiresInDays = 1 });
        Assert.True(response.Ok, $"POST /api/identity/tokens: {response.Status} {await response.TextAsync()}");
        using var json = JsonDocument.Parse(await response.TextAsync());
        return json.RootElement.GetProperty("token").GetString()!;
    }

    /// <summary>Delta histograms of http.server.request.duration: 90 requests a minute, 30 of them failing.</summary>
    private static ExportMetricsServiceRequest Export(string service, IEnumerable<DateTimeOffset> minutes)
    {
        var histogram = new Histogram { AggregationTemporality = AggregationTemporality.Delta };
        foreach (var minute in minutes)
        {
            foreach (var (count, status) in new[] { (60L, 200L), (30L, 503L) })
            {
                var point = new HistogramDataPoint
                {
                    StartTimeUnixNano = (ulong)OtlpReader.ToUnixNano(minute),
                    TimeUnixNano = (ulong)OtlpReader.ToUnixNano(minute.AddSeconds(30)),
                    Count = (ulong)count,
                    Sum = count * 0.05,
                };
                point.BucketCounts.AddRange([(ulong)count, 0UL]);
                point.ExplicitBounds.Add(0.1);
                point.Attributes.Add(new KeyValue { Key = "http.response.status_code", Value = new AnyValue { IntValue = status } });
                histogram.DataPoints.Add(point);
            }
        }
        return OtlpExports.RequestDurations(service, histogram);
    }

    [GeneratedRegex(@"^in (2|1\.9) days$")]
    private static partial Regex InAboutTwoDays();

    [GeneratedRegex(@"^\s*(No failed jobs|1 failed job|\d+ failed jobs)\s*$")]
    private static partial Regex FailedJobs();

    [GeneratedRegex(@"^Decide \(\d+\)$")]
    private static partial Regex DecideLink();
}
