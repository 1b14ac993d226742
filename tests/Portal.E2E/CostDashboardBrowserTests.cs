using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Microsoft.VisualBasic.FileIO;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E;

/// <summary>
/// The dashboard as a new admin uses it: import a FOCUS file through the page, pick the file's month in the period picker,
/// read its cost by team, drill down team → component → resources, and set a budget for that component.
/// </summary>
[Collection(PortalBrowserCollection.Name)]
public sealed class CostDashboardBrowserTests(PortalBrowserFixture fixture) : BrowserTest(fixture)
{
    [BrowserFact]
    public async Task An_admin_imports_a_file_picks_its_month_sees_cost_by_team_drills_down_to_a_component_and_sets_its_budget()
    {
        // The FinOps Foundation's FOCUS 1.0 sample (September 2024), with two of its made-up application names renamed to
        // components of the demo catalog, so attribution has teams to show: payment-gateway (owned by payments) and
        // cart-service (checkout). Its billing accounts are the sample's own, so this import replaces other tests' imports of it.
        var sample = await File.ReadAllTextAsync(Path.Combine(Portal.TestSupport.SharedTestData.Root, "focus", "focus_sample.csv"));
        var file = sample.Replace("\"\"application\"\": \"\"BrightPathMatrix\"\"", "\"\"application\"\": \"\"payment-gateway\"\"", StringComparison.Ordinal)
            .Replace("\"\"application\"\": \"\"ZoomMapMax\"\"", "\"\"application\"\": \"\"cart-service\"\"", StringComparison.Ordinal);
        var path = Path.Combine(Path.GetTempPath(), $"focus-september-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(path, file);
        // The expected figures, from the file itself (decimal): effective cost of the rows tagged with each component.
        var (gateway, gatewayRows) = EffectiveCostOf(path, "payment-gateway");
        Assert.True(gatewayRows > 100, $"the sample should hold the renamed rows, found {gatewayRows}");

        await SignInAsync(returnUrl: "/cost");
        await Expect(Page.GetByTestId("cost-budgets-link")).ToBeVisibleAsync();
        await Page.Locator("input[type=file]").SetInputFilesAsync(path);
        await Expect(Page.GetByTestId("import-result")).ToContainTextAsync("1,000 rows imported", new() { Timeout = 30_000 });
        await Expect(Page.GetByTestId("cost-imports").Locator("tbody tr").First).ToContainTextAsync(Path.GetFileName(path));
        await Expect(Page.GetByTestId("import-period")).ToHaveAttributeAsync("href", "/cost?from=2024-09-01&to=2024-09-30");

        // The period picker lists the months that have data; September 2024 puts the whole month in the URL.
        await Page.GetByTestId("cost-range").ClickAsync();
        await Page.GetByRole(AriaRole.Option, new() { Name = "September 2024", Exact = true }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("from=2024-09-01&to=2024-09-30"));
        await Expect(Page.GetByTestId("cost-period")).ToContainTextAsync("September 2024");
        await Expect(Page.GetByTestId("cost-currency")).ToContainTextAsync("30 days (UTC) · amounts in USD");

        // By team, with the team's display name, and the amount the file says.
        var table = Page.GetByTestId("cost-table");
        await Expect(table.Locator("thead")).ToContainTextAsync("Effective (USD)");
        var payments = table.Locator("tbody tr").Filter(new() { Has = Page.GetByRole(AriaRole.Link, new() { Name = "Payments", Exact = true }) });
        await Expect(payments).ToContainTextAsync(Money(gateway));
        await Expect(table).ToContainTextAsync("Checkout");
        await Expect(table).ToContainTextAsync("(unallocated)");
        await ScreenshotAsync("By_team_September_2024");

        // Payments → its components (the period and currency stay in the URL).
        await payments.GetByRole(AriaRole.Link, new() { Name = "Payments", Exact = true }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("groupBy=component"));
        await Expect(Page).ToHaveURLAsync(new Regex("from=2024-09-01"));
        await Expect(Page.GetByTestId("cost-breadcrumbs")).ToContainTextAsync("Payments");
        var gatewayRow = table.Locator("tbody tr").Filter(new() { HasText = "payment-gateway" });
        await Expect(gatewayRow).ToContainTextAsync(Money(gateway));
        await Expect(table).Not.ToContainTextAsync("cart-service");

        // payment-gateway → its resources.
        await gatewayRow.GetByRole(AriaRole.Link, new() { Name = "payment-gateway" }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("component=component"));
        await Expect(Page.GetByTestId("cost-breadcrumbs")).ToContainTextAsync("payment-gateway");
        await Expect(Page.GetByTestId("cost-total")).ToContainTextAsync(Money(gateway));
        await Expect(Page.GetByTestId("cost-resources").Locator("tbody tr")).Not.ToHaveCountAsync(0);
        await ScreenshotAsync("Component_resources");

        // A budget for the component, created, changed and deleted in the UI.
        await Page.GetByTestId("cost-budgets-link").ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Budgets", Level = 1 })).ToBeVisibleAsync();
        await Page.GetByTestId("budget-team").ClickAsync();
        await Page.GetByRole(AriaRole.Option, new() { Name = "Payments", Exact = true }).ClickAsync();
        await Page.GetByTestId("budget-component").ClickAsync();
        await Page.GetByRole(AriaRole.Option, new() { Name = "payment-gateway", Exact = true }).ClickAsync();
        await Page.GetByTestId("budget-amount").FillAsync("1234.5");
        await Page.GetByTestId("budget-thresholds").FillAsync("50, 90");
        // What was typed is what gets saved: the amount survives the other fields' round trips.
        await Expect(Page.GetByTestId("budget-amount")).ToHaveValueAsync(new Regex(@"^1234\.50?$"));
        await Page.GetByTestId("budget-save").ClickAsync();
        var row = Page.GetByTestId("budgets-table").Locator("tbody tr").Filter(new() { HasText = "payment-gateway" });
        await Expect(row).ToContainTextAsync("1,234.50 USD");
        await Expect(row).ToContainTextAsync("component of Payments");
        await Expect(row).ToContainTextAsync("50 %, 90 %");
        await Expect(row.GetByTestId("budget-status")).ToHaveTextAsync(new Regex("Within budget|Spent \\d+ % or more|Forecast to reach \\d+ %"));
        await ScreenshotAsync("Budget_created");

        await row.GetByTestId("budget-edit").ClickAsync();
        await Expect(Page.GetByTestId("budget-form")).ToContainTextAsync("Change the budget of payment-gateway");
        await Page.GetByTestId("budget-amount").FillAsync("2000");
        await ScreenshotAsync("Budget_edit");
        await Page.GetByTestId("budget-save").ClickAsync();
        await Expect(Page.GetByTestId("budget-form")).ToContainTextAsync("New budget");
        await Expect(row).ToContainTextAsync("2,000.00 USD");

        await row.GetByTestId("budget-delete").ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Dialog)).ToContainTextAsync("budget of payment-gateway (2,000.00 USD a month)");
        await Page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Expect(row).ToHaveCountAsync(1);
        await row.GetByTestId("budget-delete").ClickAsync();
        await Page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Expect(row).ToHaveCountAsync(0);

        File.Delete(path);
        AssertNoConsoleErrors();
    }

    [BrowserFact]
    public async Task Over_a_slow_connection_what_an_admin_types_right_after_picking_a_component_stays_in_the_field_they_typed_in()
    {
        // Under load the server answers late. Picking an option used to move the focus to the option list for a moment;
        // the select then asked the server to focus it again, and that request landed while the person was already typing
        // the amount: the rest of the amount went to the select (the clean CI run read an empty amount). 400 ms each way
        // puts that late focus in the middle of typing at a person's speed, every time.
        await SignInAsync(returnUrl: "/cost");
        await SlowConnectionAsync(TimeSpan.FromMilliseconds(400));
        await OpenAsync("/cost/budgets");
        await Page.GetByTestId("budget-team").ClickAsync();
        await Page.GetByRole(AriaRole.Option, new() { Name = "Payments", Exact = true }).ClickAsync();
        await Expect(Page.GetByTestId("budget-component")).ToBeEnabledAsync();
        await Page.GetByTestId("budget-component").ClickAsync();
        await Page.GetByRole(AriaRole.Option, new() { Name = "refund-service", Exact = true }).ClickAsync();
        // Straight on, as a person does: click the amount and type, a key every 400 ms: the late focus lands in the amount or in the thresholds, whichever is being typed.
        await Page.GetByTestId("budget-amount").PressSequentiallyAsync("1234.5", new() { Delay = 400 });
        await Page.GetByTestId("budget-thresholds").FillAsync("");
        await Page.GetByTestId("budget-thresholds").PressSequentiallyAsync("50, 90", new() { Delay = 400 });

        await Expect(Page.GetByTestId("budget-amount")).ToHaveValueAsync(new Regex(@"^1234\.50?$"));
        await Expect(Page.GetByTestId("budget-thresholds")).ToHaveValueAsync("50, 90");
        await SaveScreenshotAsync("Budget_form_typed_over_slow_connection");
        await Page.GetByTestId("budget-save").ClickAsync();
        var row = Page.GetByTestId("budgets-table").Locator("tbody tr").Filter(new() { HasText = "refund-service" });
        await Expect(row).ToContainTextAsync("1,234.50 USD", new() { Timeout = 20_000 });
        await Expect(row).ToContainTextAsync("component of Payments");
        await Expect(row).ToContainTextAsync("50 %, 90 %");
        await ScreenshotAsync("Budget_typed_over_slow_connection");

        await row.GetByTestId("budget-delete").ClickAsync();
        await Page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Expect(row).ToHaveCountAsync(0, new() { Timeout = 20_000 });
        AssertNoConsoleErrors();
    }

    [BrowserFact]
    public async Task A_shared_link_with_a_bad_period_says_so_and_a_month_without_data_offers_one_with()
    {
        await SignInAsync(returnUrl: "/cost?from=2024-09-31&to=2024-09-01");
        await Expect(Page.GetByTestId("cost-url-problem")).ToContainTextAsync("is not a range of days");

        await GotoAsync("/cost?from=1999-01-01&to=1999-01-31");
        await Expect(Page.GetByTestId("cost-period")).ToContainTextAsync("January 1999");
        await Expect(Page.GetByTestId("cost-period-empty")).ToContainTextAsync("No cost in January 1999");
        await ScreenshotAsync("Empty_month");
        await Page.GetByTestId("cost-period-empty").GetByRole(AriaRole.Link).ClickAsync();
        await Expect(Page.GetByTestId("cost-table")).ToBeVisibleAsync();
        AssertNoConsoleErrors();
    }

    private static string Money(decimal value) => value.ToString("N2", CultureInfo.InvariantCulture);

    private static (decimal Effective, int Rows) EffectiveCostOf(string path, string application)
    {
        using var parser = new TextFieldParser(path) { TextFieldType = FieldType.Delimited, HasFieldsEnclosedInQuotes = true };
        parser.SetDelimiters(",");
        var header = parser.ReadFields()!;
        var (cost, tags) = (Array.IndexOf(header, "EffectiveCost"), Array.IndexOf(header, "Tags"));
        var (sum, rows) = (0m, 0);
        while (parser.ReadFields() is { } fields)
        {
            if (fields[tags].Contains($"\"application\": \"{application}\"", StringComparison.Ordinal))
            {
                sum += decimal.Parse(fields[cost], NumberStyles.Float, CultureInfo.InvariantCulture);
                rows++;
            }
        }
        return (sum, rows);
    }
}
