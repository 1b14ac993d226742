using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E;

[Collection(PortalBrowserCollection.Name)]
public sealed partial class EnvironmentBrowserTests(PortalBrowserFixture fixture) : BrowserTest(fixture)
{
    [BrowserFact]
    public async Task A_developer_fills_the_request_form_watches_the_environment_become_ready_and_extends_it()
    {
        await SignInAsync(returnUrl: "/environments/new?component=cart-service");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Request an environment", Level = 1 })).ToBeVisibleAsync();

        // Validation as one types: a bad name and a TTL beyond the policy's maximum.
        var name = Page.GetByTestId("env-name");
        await name.FillAsync("Cart_E2E");
        await Expect(Page.GetByText(new Regex("does not follow the naming rule"))).ToBeVisibleAsync();
        var ttl = Page.GetByTestId("env-ttl");
        await ttl.FillAsync("30d");
        await Expect(Page.GetByText("dev environments live at most 14d; 30d is longer.")).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("env-submit")).ToBeDisabledAsync();
        // The estimate and the team's quota for the default tier (small: 1 CPU, 2 GiB, 10 GiB disk).
        await Expect(Page.GetByTestId("env-estimate")).ToContainTextAsync("31.40 USD");
        await Expect(Page.GetByTestId("env-quota")).ToContainTextAsync("Quota of Checkout");
        await ScreenshotAsync("Form_with_validation_messages");

        await name.FillAsync("cart-e2e");
        await ttl.FillAsync("2d");
        await Expect(Page.GetByText(new Regex("does not follow the naming rule"))).ToHaveCountAsync(0);
        await Expect(Page.GetByTestId("env-submit")).ToBeEnabledAsync();
        await Page.GetByTestId("env-submit").ClickAsync();

        await Expect(Page).ToHaveURLAsync(EnvironmentUrl());
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "cart-e2e", Level = 1 })).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("environment-status").First).ToHaveTextAsync("Ready", new() { Timeout = 120_000 });
        await Expect(Page.GetByTestId("env-log").First).ToContainTextAsync("[commit] Provision: committed");
        await Expect(Page.GetByTestId("env-timeline")).ToContainTextAsync("Provisioning");
        await Expect(Page.GetByTestId("env-outputs")).ToContainTextAsync("clusters/local/environments/cart-e2e");
        await Expect(Page.GetByTestId("env-expires")).ToContainTextAsync("in 2 days");
        await ScreenshotAsync("Ready_environment");

        await Page.GetByTestId("env-extend-ttl").FillAsync("20d");
        await Page.GetByTestId("env-extend").ClickAsync();
        await Expect(Page.GetByText("dev environments live at most 14d from now; 20d is longer.").First).ToBeVisibleAsync();
        await Page.GetByTestId("env-extend-ttl").FillAsync("5d");
        await Page.GetByTestId("env-extend").ClickAsync();
        await Expect(Page.GetByTestId("env-expires")).ToContainTextAsync("in 5 days");
        await ScreenshotAsync("Extended");

        await GotoAsync("/environments");
        await Expect(Page.GetByTestId("environments-table").First).ToContainTextAsync("cart-e2e");
        // The team by its display name, the ref on hover; service and team never break mid-word.
        var cartRow = Page.GetByTestId("environments-table").First.Locator("tr").Filter(new() { HasText = "cart-e2e" }).First;
        await Expect(cartRow.Locator("[title='group:default/checkout']")).ToHaveTextAsync("Checkout");
        var serviceCell = cartRow.Locator("td[data-label='Component']");
        Assert.Equal("nowrap", await serviceCell.EvaluateAsync<string>("e => getComputedStyle(e).whiteSpace"));
        await Expect(Page.GetByTestId("time-to-ready")).ToContainTextAsync("dev");
        await ScreenshotAsync("Environments_list");
        AssertNoConsoleErrors();
    }

    [GeneratedRegex("/environments/[0-9a-f-]{36}$")]
    private static partial Regex EnvironmentUrl();
}
