using System.Text.Json;
using System.Text.RegularExpressions;
using Google.Protobuf;
using Microsoft.Playwright;
using Portal.TestSupport;
using Portal.Web.Features.Slo;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E;

[Collection(PortalBrowserCollection.Name)]
public sealed partial class InsightsBrowserTests(PortalBrowserFixture fixture) : BrowserTest(fixture)
{
    private static readonly string[] SloIngest = ["slo:ingest"];

    [BrowserFact]
    public async Task The_executive_dashboard_shows_platform_availability_spent_budgets_delivery_and_cost_drivers_each_linking_to_its_detail()
    {
        await SignInAsync(returnUrl: "/insights");
        var origin = new Dictionary<string, string> { ["Origin"] = PortalOrigin };
        var suffix = Guid.NewGuid().ToString("N")[..6];

        // The platform's own availability SLO (the portal is a catalog component) and a service whose budget is gone.
        var platformSlo = await CreateSloAsync($"insights-availability-{suffix}", "portal", 0.999m, origin);
        var spentSlo = await CreateSloAsync($"insights-spent-{suffix}", "search-indexer", 0.9999m, origin);
        var created = await Page.APIRequest.PostAsync("/api/identity/tokens", new()
        {
            DataObject = new { name = $"insights-otel-{suffix}", kind = 1, scopes = SloIngest, expiresInDays = 1 }, Headers = origin,
        });
        Assert.True(created.Status == 201, await created.TextAsync());
        using var token = JsonDocument.Parse(await created.TextAsync());
        var bearer = $"Bearer {token.RootElement.GetProperty("token").GetString()}";
        var now = SloMath.MinuteOf(DateTimeOffset.UtcNow);
        var minutes = Enumerable.Range(1, 30).Select(i => now.AddMinutes(-i)).ToList();
        await SendAsync(OtlpExports.MinuteTraffic("search-indexer", minutes.Select(m => (m, 40L, 40L)), TimeSpan.FromSeconds(30)), bearer);

        await GotoAsync("/insights");
        await Expect(Page.Locator("h1")).ToHaveTextAsync("Insights");
        await Expect(Page.GetByTestId("nav-insights")).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("insights-period").GetByRole(AriaRole.Link, new() { Name = "90 days" })).ToHaveAttributeAsync("aria-current", "page");
        await Expect(Page.GetByTestId("insights-platform").GetByRole(AriaRole.Link, new() { Name = platformSlo.Name })).ToBeVisibleAsync();
        // Every request failed: this SLO has spent its budget many times over, so it is among those that spent the most, in red.
        var spentRow = Page.GetByTestId("insights-budgets").GetByTestId("bar-list-row").Filter(new() { HasText = spentSlo.Name });
        await Expect(spentRow).ToContainTextAsync("spent");
        await Expect(Page.GetByTestId("insights-slo-status")).ToContainTextAsync("budget spent");

        // The demo organisation's 90 days of production deployments give figures, bands and a trend of 13 spans.
        var delivery = Page.GetByTestId("insights-delivery");
        await Expect(delivery.GetByTestId("delivery-figures")).ToContainTextAsync("successful deployments");
        await Expect(delivery.GetByTestId("delivery-band").First).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("figures-delivery-trend").Locator("tbody tr")).ToHaveCountAsync(13);
        var frequency = Page.GetByTestId("insights-frequency-chart");
        await Expect(frequency).ToBeVisibleAsync();
        // Hovering the first span's bar gives its exact figure, as the table of every span does.
        var firstSpan = (await Page.GetByTestId("figures-delivery-trend").Locator("tbody tr").First.Locator("th, td").AllTextContentsAsync()).ToList();
        // A bar is a stroked vertical path: its box has no width, so Playwright never calls it visible; the pointer still lands on its stroke.
        await frequency.Locator("svg path.mud-chart-bar").First.HoverAsync(new() { Force = true });
        await Expect(frequency.GetByText($"Deployments a day: {firstSpan[1].Trim()}", new() { Exact = true })).ToBeVisibleAsync();

        // Cost: at most five teams and five environments, largest first; prod is among the demo's environments.
        var teams = Page.GetByTestId("insights-cost-team-bars").GetByTestId("bar-list-row");
        await Expect(teams.First).ToBeVisibleAsync();
        Assert.InRange(await teams.CountAsync(), 1, 5);
        Assert.InRange(await Page.GetByTestId("insights-cost-environment-bars").GetByTestId("bar-list-row").CountAsync(), 1, 5);
        await Expect(Page.GetByTestId("insights-cost-environment-bars")).ToContainTextAsync("prod");
        var amounts = await Page.GetByTestId("insights-cost-team-bars").Locator(".bar-list-value").AllInnerTextsAsync();
        var values = amounts.Select(a => decimal.Parse(a, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(values.OrderByDescending(v => v), values);
        await ScreenshotAsync("Filled");

        // Each figure leads to its detail: the SLO's page, and the cost page of the largest team over the same days.
        await spentRow.GetByRole(AriaRole.Link).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex($"/slos/{spentSlo.Id}$"));
        await Expect(Page.Locator("h1")).ToContainTextAsync(spentSlo.Name);
        await Page.GoBackAsync();
        var largestTeam = Page.GetByTestId("insights-cost-team-bars").GetByRole(AriaRole.Link).First;
        var teamName = await largestTeam.InnerTextAsync();
        await largestTeam.ClickAsync();
        await Expect(Page).ToHaveURLAsync(CostTeamLink());
        await Expect(Page.GetByTestId("cost-table")).ToBeVisibleAsync();
        await Expect(Page.Locator("main")).ToContainTextAsync(teamName);

        // The period picker: a year cuts the trend into 12 spans; a period the page does not offer says so and shows the default.
        await GotoAsync("/insights");
        await Page.GetByTestId("insights-period").GetByRole(AriaRole.Link, new() { Name = "365 days" }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("days=365$"));
        await Expect(Page.GetByTestId("insights-delivery")).ToContainTextAsync("Delivery, last 365 days");
        await Expect(Page.GetByTestId("figures-delivery-trend").Locator("tbody tr")).ToHaveCountAsync(12);
        await GotoAsync("/insights?days=7");
        await Expect(Page.GetByTestId("insights-url-problem")).ToContainTextAsync("'7' is not a period");
        await Expect(Page.GetByTestId("insights-delivery")).ToContainTextAsync("Delivery, last 90 days");
        AssertNoConsoleErrors();
    }

    [BrowserFact]
    public async Task A_teams_view_scopes_every_figure_to_its_components_and_shows_time_to_ready_and_telemetry_coverage()
    {
        await SignInAsync(returnUrl: "/insights");
        var origin = new Dictionary<string, string> { ["Origin"] = PortalOrigin };
        var suffix = Guid.NewGuid().ToString("N")[..6];
        // Checkout owns the cart service; product discovery owns the search indexer. Both burn their budgets.
        var ours = await CreateSloAsync($"team-ours-{suffix}", "cart-service", 0.9999m, origin);
        var theirs = await CreateSloAsync($"team-theirs-{suffix}", "search-indexer", 0.9999m, origin);
        var created = await Page.APIRequest.PostAsync("/api/identity/tokens", new()
        {
            DataObject = new { name = $"insights-team-otel-{suffix}", kind = 1, scopes = SloIngest, expiresInDays = 1 }, Headers = origin,
        });
        Assert.True(created.Status == 201, await created.TextAsync());
        using var token = JsonDocument.Parse(await created.TextAsync());
        var bearer = $"Bearer {token.RootElement.GetProperty("token").GetString()}";
        var now = SloMath.MinuteOf(DateTimeOffset.UtcNow);
        var minutes = Enumerable.Range(1, 30).Select(i => now.AddMinutes(-i)).ToList();
        foreach (var service in new[] { "cart-service", "search-indexer" })
        {
            await SendAsync(OtlpExports.MinuteTraffic(service, minutes.Select(m => (m, 40L, 40L)), TimeSpan.FromSeconds(30)), bearer);
        }

        // The organisation's view: both SLOs, the cost split by team and environment, and the new M4 and M5 tiles.
        await GotoAsync("/insights?days=30");
        var organisationCoverage = Page.GetByTestId("insights-coverage");
        await Expect(organisationCoverage.GetByTestId("insights-coverage-figure")).ToContainTextAsync("%");
        await Expect(Page.GetByTestId("insights-time-to-ready")).ToContainTextAsync("Environment time to ready (M4)");
        await Expect(Page.GetByTestId("insights-cost-environment")).ToBeVisibleAsync();

        // The team picker leads to the team's own address, the period kept.
        await Page.GetByTestId("insights-team").ClickAsync();
        await Page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasTextRegex = new Regex("^Checkout$") }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex(@"/insights\?days=30&team=group%3Adefault%2Fcheckout$"));
        await Expect(Page.Locator("h1")).ToHaveTextAsync("Insights: Checkout");

        // Every figure is the team's: its SLO and not the other team's, its deliveries, its components' telemetry and cost.
        var budgets = Page.GetByTestId("insights-budgets");
        await Expect(budgets.GetByTestId("bar-list-row").Filter(new() { HasText = ours.Name })).ToBeVisibleAsync();
        await Expect(budgets.GetByTestId("bar-list-row").Filter(new() { HasText = theirs.Name })).ToHaveCountAsync(0);
        await Expect(Page.GetByTestId("insights-delivery")).ToContainTextAsync("components Checkout owns");
        await Expect(Page.GetByTestId("insights-delivery").GetByTestId("delivery-figures")).ToContainTextAsync("successful deployments");
        await Expect(Page.GetByTestId("insights-coverage")).ToContainTextAsync("Components Checkout owns");
        // Checkout owns six components in the demo (tests may add more): the cart service sent metrics just now.
        await Expect(Page.GetByTestId("insights-coverage")).ToContainTextAsync(new Regex(@"[1-9]\d* of \d+ components sent metrics"));
        await Expect(Page.GetByTestId("insights-cost-team-components")).ToBeVisibleAsync();
        // The team's own cost by environment (not the organisation's), as the cost page gives it with the team filter.
        var teamEnvironments = Page.GetByTestId("insights-cost-environment");
        await Expect(teamEnvironments.Locator("h2")).ToHaveTextAsync("Top 5 cost drivers of Checkout, by environment");
        var firstEnvironment = teamEnvironments.GetByTestId("bar-list-row").First;
        await Expect(firstEnvironment).ToBeVisibleAsync();
        var environmentAmount = (await firstEnvironment.Locator(".bar-list-value").InnerTextAsync()).Trim();
        var environmentName = (await firstEnvironment.GetByRole(AriaRole.Link).InnerTextAsync()).Trim();
        await Expect(Page.GetByTestId("insights-cost-team")).ToHaveCountAsync(0);
        await Expect(Page.GetByTestId("insights-period").GetByRole(AriaRole.Link, new() { Name = "365 days" }))
            .ToHaveAttributeAsync("href", "/insights?days=365&team=group%3Adefault%2Fcheckout");
        await ScreenshotAsync("Team");

        await firstEnvironment.GetByRole(AriaRole.Link).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex(@"/cost\?from=\d{4}-\d{2}-\d{2}&to=\d{4}-\d{2}-\d{2}&team=group%3Adefault%2Fcheckout&groupBy=environment$"));
        await Expect(Page.GetByTestId("cost-table").Locator("tr").Filter(new() { HasText = environmentName })).ToContainTextAsync(environmentAmount);
        await Page.GoBackAsync();

        // Each figure still leads to its detail: the SLO, and the coverage page that lists which components send metrics.
        await budgets.GetByTestId("bar-list-row").Filter(new() { HasText = ours.Name }).GetByRole(AriaRole.Link).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex($"/slos/{ours.Id}$"));
        await Page.GoBackAsync();
        await Page.GetByTestId("insights-coverage-figure").GetByRole(AriaRole.Link).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("/slos/coverage$"));

        // A team the catalog does not have says so and shows the organisation.
        await GotoAsync("/insights?team=no-such-team");
        await Expect(Page.GetByTestId("insights-url-problem")).ToContainTextAsync("'no-such-team' is not a team");
        await Expect(Page.Locator("h1")).ToHaveTextAsync("Insights");
        AssertNoConsoleErrors();
    }

    private async Task<(Guid Id, string Name)> CreateSloAsync(string name, string component, decimal target, Dictionary<string, string> origin)
    {
        var response = await Page.APIRequest.PostAsync("/api/slos", new()
        {
            DataObject = new { name, component, indicator = "availability", target, window = new { kind = "rolling", days = 28 } }, Headers = origin,
        });
        Assert.True(response.Status == 201, await response.TextAsync());
        using var json = JsonDocument.Parse(await response.TextAsync());
        return (json.RootElement.GetProperty("id").GetGuid(), name);
    }

    private async Task SendAsync(IMessage export, string bearer)
    {
        var sent = await Page.APIRequest.PostAsync("/v1/metrics", new()
        {
            DataByte = export.ToByteArray(),
            Headers = new Dictionary<string, string> { ["Authorization"] = bearer, ["Content-Type"] = "application/x-protobuf" },
        });
        Assert.True(sent.Ok, await sent.TextAsync());
    }

    [GeneratedRegex(@"/cost\?from=\d{4}-\d{2}-\d{2}&to=\d{4}-\d{2}-\d{2}&team=group%3Adefault%2F[a-z0-9-]+&groupBy=component$")]
    private static partial Regex CostTeamLink();
}
