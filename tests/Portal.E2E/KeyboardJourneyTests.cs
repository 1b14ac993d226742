using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E;

/// <summary>
/// People who cannot use a mouse complete the portal's main journeys with Tab, Shift+Tab, Enter, Space and the arrow keys
/// alone (WCAG 2.1.1): every step goes through <see cref="IPage.Keyboard"/>, never a click or a fill.
/// </summary>
[Collection(PortalBrowserCollection.Name)]
public sealed partial class KeyboardJourneyTests(PortalBrowserFixture fixture) : BrowserTest(fixture)
{
    /// <summary>More Tab presses than any page has stops before its target: past it, the control is out of reach.</summary>
    private const int MaxTabs = 60;

    [BrowserFact]
    public async Task A_developer_requests_an_environment_with_the_keyboard_only()
    {
        await SignInWithKeyboardAsync("/environments/new?component=cart-service");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Request an environment", Level = 1 })).ToBeVisibleAsync();

        // Focus starts on the page's h1 (FocusOnNavigate). The skip link is the document's first Tab stop: Shift+Tab
        // goes back to it, it shows itself when focused, and Enter moves focus past the app bar and navigation.
        var skip = Page.GetByTestId("skip-link");
        Assert.True(await Page.EvaluateAsync<bool>("""
            () => document.querySelector('a[href],button:not([disabled]),input:not([type=hidden]),select,textarea,[tabindex]:not([tabindex="-1"])')
                === document.querySelector('[data-testid=skip-link]')
            """), "the skip link is not the first focusable element");
        await TabToAsync(skip, backwards: true);
        await Expect(skip).ToBeInViewportAsync();
        await Page.Keyboard.PressAsync("Enter");
        await Expect(Page.Locator("#main-content")).ToBeFocusedAsync();

        await TabToAsync(Page.GetByTestId("env-name"));
        await Page.Keyboard.TypeAsync("Kb_Env");
        await Expect(Page.GetByText(new Regex("does not follow the naming rule"))).ToBeVisibleAsync();
        // The error is tied to the field, so a screen reader reads it with the field.
        await Expect(Page.GetByTestId("env-name")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(Page.GetByTestId("env-name")).ToHaveAccessibleDescriptionAsync(new Regex("does not follow the naming rule"));
        await SaveScreenshotAsync("Name_error_announced");
        await Page.Keyboard.PressAsync("ControlOrMeta+A");
        await Page.Keyboard.TypeAsync("kb-env");
        await Expect(Page.GetByText(new Regex("does not follow the naming rule"))).ToHaveCountAsync(0);

        await TabToAsync(Page.GetByTestId("env-ttl"));
        await Page.Keyboard.TypeAsync("1d");
        await Expect(Page.GetByTestId("env-submit")).ToBeEnabledAsync();
        await TabToAsync(Page.GetByTestId("env-submit"));
        await ScreenshotAsync("Submit_focused");
        await Page.Keyboard.PressAsync("Enter");

        await Expect(Page).ToHaveURLAsync(EnvironmentUrl());
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "kb-env", Level = 1 })).ToBeVisibleAsync();
        // Provisioning progress reaches screen readers through a live region.
        await Expect(Page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Environment status" })).ToContainTextAsync("Ready", new() { Timeout = 30_000 });
        await ScreenshotAsync("Ready");
        AssertNoConsoleErrors();
    }

    [BrowserFact]
    public async Task A_developer_scaffolds_a_service_from_the_built_in_template_with_the_keyboard_only()
    {
        await SignInWithKeyboardAsync("/create");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Create something new", Level = 1 })).ToBeVisibleAsync();

        await TabToAsync(Page.GetByTestId("choose-aspnet-service"));
        await Page.Keyboard.PressAsync("Enter");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "ASP.NET Core service", Level = 1 })).ToBeVisibleAsync();

        // The template asks for focus on its first field (ui:autofocus), so typing starts there.
        await Expect(Page.GetByTestId("param-name")).ToBeFocusedAsync();
        await Page.Keyboard.TypeAsync("kb-orders");

        // The owner picker: type, arrow down to the suggestion, Enter to take it.
        await TabToAsync(Page.GetByTestId("param-owner"));
        // Checkout, not payments: the catalog test counts what payments owns.
        await Page.Keyboard.TypeAsync("checkout");
        // The list first offers every team, then (after the search's debounce) only the one that matches.
        await Expect(Page.GetByRole(AriaRole.Option)).ToHaveCountAsync(1);
        // Teams are offered by their display name, with the ref on hover.
        await Expect(Page.GetByRole(AriaRole.Option, new() { Name = "Checkout", Exact = true })).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("picker-option-group:default/checkout")).ToHaveAttributeAsync("title", "group:default/checkout");
        await ArrowToOptionAsync(Page.GetByTestId("param-owner"), "Checkout");
        await Page.Keyboard.PressAsync("Enter");
        await Expect(Page.GetByTestId("param-owner")).ToHaveValueAsync("Checkout");
        await ScreenshotAsync("Owner_chosen");

        await TabToAsync(Page.GetByTestId("form-next"));
        await Page.Keyboard.PressAsync("Enter");
        await Expect(Page.GetByTestId("param-otlpEndpoint")).ToHaveValueAsync("");

        // Lifecycle is a radio group: the arrow keys move the choice.
        await TabToAsync(Page.GetByRole(AriaRole.Radio, new() { Name = "Experimental" }));
        await Page.Keyboard.PressAsync("ArrowDown");
        await Expect(Page.GetByRole(AriaRole.Radio, new() { Name = "Production" })).ToBeCheckedAsync();

        await TabToAsync(Page.GetByTestId("form-next"));
        await Page.Keyboard.PressAsync("Enter");
        await Expect(Page.GetByTestId("review-table")).ToContainTextAsync("kb-orders");
        await Expect(Page.GetByTestId("review-table")).ToContainTextAsync("Production");

        await TabToAsync(Page.GetByTestId("form-create"));
        await Page.Keyboard.PressAsync("Space");
        await Expect(Page).ToHaveURLAsync(TaskUrl());
        await Expect(Page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Task status" })).ToContainTextAsync("completed", new() { Timeout = 60_000 });
        await ScreenshotAsync("Completed_task");
        AssertNoConsoleErrors();
    }

    /// <summary>The sign-in form, typed: Tab to each field, Enter to send.</summary>
    private async Task SignInWithKeyboardAsync(string returnUrl)
    {
        await Page.GotoAsync($"/account/login?returnUrl={Uri.EscapeDataString(returnUrl)}");
        await AssertSignInFormAccessibleAsync();
        await TabToAsync(Page.GetByLabel("User name or e-mail"));
        await Page.Keyboard.TypeAsync("admin");
        await TabToAsync(Page.GetByLabel("Password"));
        await Page.Keyboard.TypeAsync(PortalBrowserFixture.AdminPassword);
        await Page.Keyboard.PressAsync("Enter");
        await WaitForPortalAsync();
        await AssertAccessibleAsync("signed in", reloadAllowed: false);
    }

    /// <summary>Presses ArrowDown until the combobox's highlighted option (aria-activedescendant) is <paramref name="option"/>.</summary>
    private async Task ArrowToOptionAsync(ILocator combobox, string option)
    {
        for (var presses = 0; presses < 20; presses++)
        {
            var active = await combobox.EvaluateAsync<string?>(
                "e => document.getElementById(e.getAttribute('aria-activedescendant') ?? '')?.textContent?.trim() ?? null");
            if (active == option)
            {
                return;
            }
            await Page.Keyboard.PressAsync("ArrowDown");
        }
        Assert.Fail($"the arrow keys did not reach the option {option}");
    }

    /// <summary>Presses Tab (or Shift+Tab) until <paramref name="target"/> has focus; fails when it is not in the Tab order.</summary>
    private async Task TabToAsync(ILocator target, bool backwards = false)
    {
        for (var presses = 0; presses < MaxTabs; presses++)
        {
            if (await target.EvaluateAsync<bool>("e => e === document.activeElement || e.contains(document.activeElement)"))
            {
                return;
            }
            await Page.Keyboard.PressAsync(backwards ? "Shift+Tab" : "Tab");
        }
        var focused = await Page.EvaluateAsync<string>("() => document.activeElement?.outerHTML.slice(0, 200) ?? 'nothing'");
        Assert.Fail($"{target} was not reached with {MaxTabs} presses of Tab; focus is on {focused}");
    }

    [GeneratedRegex("/environments/[0-9a-f-]{36}$")]
    private static partial Regex EnvironmentUrl();

    [GeneratedRegex("/create/tasks/[0-9a-f-]{36}$")]
    private static partial Regex TaskUrl();
}
