using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E;

[Collection(PortalBrowserCollection.Name)]
public sealed class IdentityTests(PortalBrowserFixture fixture) : BrowserTest(fixture)
{
    [BrowserFact]
    public async Task Anonymous_visitors_are_sent_to_sign_in_and_come_back_where_they_were_going()
    {
        await Page.GotoAsync("/catalog?kind=API");

        await Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/login\\?"));
        await ScreenshotAsync("Sign_in_page");
        await Page.GetByLabel("User name or e-mail").FillAsync("admin");
        await Page.GetByLabel("Password").FillAsync("wrong password here");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(Page.GetByTestId("login-message")).ToContainTextAsync("The user name or password is not right.");
        await ScreenshotAsync("Sign_in_error");

        await Page.GetByLabel("User name or e-mail").FillAsync("admin");
        await Page.GetByLabel("Password").FillAsync(PortalBrowserFixture.AdminPassword);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/catalog\\?kind=API$"));
        await Expect(Page.GetByRole(AriaRole.Link, new() { Name = "payments-api" })).ToBeVisibleAsync();
        AssertNoConsoleErrors();
    }

    [BrowserFact]
    public async Task Admin_creates_a_user_who_then_sees_only_what_they_may_do()
    {
        var userName = "eli.novak"; // a member of the checkout team in the demo catalog
        await SignInAsync();
        await Expect(Page.GetByTestId("nav-admin")).ToBeVisibleAsync();

        await Page.GetByRole(AriaRole.Link, new() { Name = "Users" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Users", Level = 1 })).ToBeVisibleAsync();
        await Page.GetByTestId("create-user").ClickAsync();
        await Expect(Page.GetByText("A user name is required.")).ToBeVisibleAsync();
        await Page.GetByTestId("new-user-name").FillAsync(userName);
        await Page.GetByTestId("new-user-email").FillAsync("eli.novak@northwind.example");
        await Page.GetByTestId("new-user-password").FillAsync("short");
        await Page.GetByTestId("create-user").ClickAsync();
        await Expect(Page.GetByText("Passwords must be at least 12 characters.")).ToBeVisibleAsync();
        await ScreenshotAsync("Validation");
        await Page.GetByTestId("new-user-password").FillAsync("eli-password-2026");
        await Page.GetByTestId("create-user").ClickAsync();
        await Expect(Page.GetByTestId("users-table")).ToContainTextAsync(userName);
        await ScreenshotAsync("Users_page");

        await Page.GetByTestId("user-menu").ClickAsync();
        await Page.GetByTestId("sign-out").ClickAsync();
        await Expect(Page.GetByTestId("login-message")).ToHaveTextAsync("You have signed out.");

        // The admin chose the initial password, so the first sign-in asks for a new one.
        await Page.GotoAsync("/account/login");
        await Page.GetByLabel("User name or e-mail").FillAsync(userName);
        await Page.GetByLabel("Password").FillAsync("eli-password-2026");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Choose a new password" })).ToBeVisibleAsync();
        await Page.GetByLabel("Current password (the one you were given)").FillAsync("eli-password-2026");
        await Page.GetByLabel("New password", new() { Exact = true }).FillAsync("eli-own-password-77");
        await Page.GetByLabel("Repeat the new password").FillAsync("eli-own-password-77");
        await ScreenshotAsync("Choose_password");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Save password" }).ClickAsync();
        await Page.WaitForFunctionAsync("() => window.Blazor !== undefined && document.querySelector('.mud-layout') !== null");
        await Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await Expect(Page.GetByTestId("nav-admin")).ToHaveCountAsync(0);
        await Page.GetByTestId("user-menu").ClickAsync();
        await Expect(Page.GetByText("Team: Checkout")).ToBeVisibleAsync(); // the team's catalog name, its ref on hover
        await Expect(Page.GetByTestId("user-menu")).ToContainTextAsync("Eli Novak"); // the catalog's name, filled at sign-in
        await ScreenshotAsync("User_menu");
        await Page.Keyboard.PressAsync("Escape");

        await GotoAsync("/admin/users");
        await Expect(Page.GetByTestId("access-denied")).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("users-table")).ToHaveCountAsync(0);

        await GotoAsync("/account/tokens");
        await Expect(Page.GetByTestId("scope-admin")).ToHaveCountAsync(0); // cannot grant what they do not hold
        await Page.GetByTestId("token-name").FillAsync("my-laptop");
        await Page.GetByTestId("token-create").ClickAsync();
        var secret = await Page.GetByTestId("token-secret").InnerTextAsync();
        Assert.StartsWith("ptk_", secret, StringComparison.Ordinal);
        await ScreenshotAsync("Token_created");
        await GotoAsync("/account/tokens");
        await Expect(Page.GetByTestId("token-table")).ToContainTextAsync("my-laptop");
        Assert.DoesNotContain(secret, await Page.ContentAsync(), StringComparison.Ordinal);
        // Who made it, by name with the user name on hover; revoking asks first and names the token.
        var row = Page.GetByTestId("token-table").Locator("tr").Filter(new() { HasText = "my-laptop" });
        await Expect(row.GetByTestId("token-created-by").GetByTestId("account-name")).ToHaveTextAsync("Eli Novak");
        await Expect(row.GetByTestId("token-created-by").GetByTestId("account-name")).ToHaveAttributeAsync("title", userName);
        await Page.GetByTestId("revoke-my-laptop").ClickAsync();
        var dialog = Page.GetByRole(AriaRole.Dialog);
        await Expect(dialog).ToContainTextAsync("Revoke the token \"my-laptop\"?");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Expect(dialog).ToHaveCountAsync(0);
        await Expect(Page.GetByTestId("revoke-my-laptop")).ToBeVisibleAsync(); // declined: still usable
        await Page.GetByTestId("revoke-my-laptop").ClickAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Expect(row.GetByTestId("token-revoked-by").GetByTestId("account-name")).ToHaveTextAsync("Eli Novak");
        await ScreenshotAsync("Token_revoked");
        AssertNoConsoleErrors();
    }
}
