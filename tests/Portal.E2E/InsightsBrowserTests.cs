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

    [Fact]
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
        await Expect(Page.GetByTestId("insights-frequency-chart")).ToBeVisibleAsync();

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
