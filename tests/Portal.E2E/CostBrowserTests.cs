using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E;

[Collection(PortalBrowserCollection.Name)]
public sealed class CostBrowserTests(PortalBrowserFixture fixture) : BrowserTest(fixture)
{
    [BrowserFact]
    public async Task An_admin_uploads_a_focus_file_and_a_team_sees_its_drivers_and_budget_alert()
    {
        await SignInAsync(returnUrl: "/cost");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Cost", Level = 1 })).ToBeVisibleAsync();

        // Upload the FOCUS 1.0 sample (its charges are from 2024, so the demo month stays in view).
        await Page.Locator("input[type=file]").SetInputFilesAsync(
            Path.Combine(Portal.TestSupport.SharedTestData.Root, "focus", "focus_sample.csv"));
        await Expect(Page.GetByTestId("import-result")).ToContainTextAsync("focus_sample.csv: 1,000 rows imported", new() { Timeout = 30_000 });
        await Expect(Page.GetByTestId("import-result")).ToContainTextAsync("20.52 billed");
        await ScreenshotAsync("Import_result");

        await Expect(Page.GetByTestId("cost-table")).ToContainTextAsync("(unallocated)");
        await Page.GetByTestId("cost-team").ClickAsync();
        await Page.GetByRole(AriaRole.Option, new() { Name = "Payments", Exact = true }).ClickAsync();

        // Choosing the team reloads the figures while the old ones stay in view: wait until the reload is over (no progress
        // bar) and the table is the team's (other teams' rows gone), or the screenshot below shows everyone's spend mid-load.
        await Expect(Page.GetByTestId("cost-table")).Not.ToContainTextAsync("Checkout");
        await Expect(Page.GetByTestId("cost-toolbar").GetByRole(AriaRole.Progressbar)).ToHaveCountAsync(0);
        await Expect(Page.GetByTestId("top-drivers").Locator("tr")).ToHaveCountAsync(5);
        await Expect(Page.GetByTestId("budget-alert").First).ToContainTextAsync("Payments");
        await Expect(Page.GetByTestId("cost-chart")).ToBeVisibleAsync();
        // The chart's text alternative: every day's figures as a table, behind a disclosure.
        var figures = Page.GetByTestId("figures-cost-daily");
        await figures.Locator("summary").ClickAsync();
        await Expect(figures.Locator("thead")).ToContainTextAsync("Day");
        await Expect(figures.Locator("tbody tr").First).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"\d{4}-\d{2}-\d{2}"));
        await ScreenshotAsync("Team_dashboard");

        await GotoAsync("/cost/rules");
        await Expect(Page.GetByTestId("rules-table")).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("rules-table").Locator("tbody tr")).Not.ToHaveCountAsync(0);
        await ScreenshotAsync("Allocation_rules");
        AssertNoConsoleErrors();
    }
}
