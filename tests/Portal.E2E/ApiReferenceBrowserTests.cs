using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E;

/// <summary>The API reference as a script author uses it: authorize with a token, try a request, read the answer and the problem.</summary>
[Collection(PortalBrowserCollection.Name)]
public sealed class ApiReferenceBrowserTests(PortalBrowserFixture fixture) : BrowserTest(fixture)
{
    // The admin scope too: without it a personal token of the admin acts for no team, and cart-service belongs to checkout.
    private static readonly string[] Scopes = ["catalog:read", "environments:write", "admin"];

    [BrowserFact]
    public async Task Try_it_sends_the_example_with_the_authorized_token_and_shows_the_answer_and_the_validation_problem()
    {
        await SignInAsync(returnUrl: "/api-docs");
        var created = await Page.APIRequest.PostAsync("/api/identity/tokens", new()
        {
            DataObject = new { name = $"console-{Guid.NewGuid():N}"[..16], kind = 0, scopes = Scopes, expiresInDays = 1 },
            Headers = new Dictionary<string, string> { ["Origin"] = PortalOrigin },
        });
        Assert.True(created.Status == 201, await created.TextAsync());
        using var json = JsonDocument.Parse(await created.TextAsync());
        var token = json.RootElement.GetProperty("token").GetString()!;

        await GotoAsync("/api-docs");
        var operation = Page.Locator("details.api-operation").Filter(new()
        {
            Has = Page.Locator("summary", new() { HasTextRegex = new Regex(@"^\s*POST\s+/api/environments\s+Request an environment") }),
        });
        await operation.Locator("summary").ClickAsync();
        await operation.GetByTestId("api-try-open").ClickAsync();

        // The documented example is there to send, pre-filled.
        var body = operation.GetByRole(AriaRole.Textbox, new() { Name = "Request body (application/json)" });
        await Expect(body).ToHaveValueAsync(new Regex("\"component\": \"cart-service\""));
        var name = $"try-{Guid.NewGuid():N}"[..12];
        await body.FillAsync($$"""{"name": "{{name}}", "component": "cart-service", "type": "dev", "tier": "small", "ttl": "1d"}""");

        // Without a token the console sends no credentials at all (not the page's sign-in): the API says so.
        await operation.GetByTestId("api-try-send").ClickAsync();
        await Expect(operation.GetByTestId("api-try-status")).ToHaveTextAsync(new Regex("^401"));

        // A wrong token is refused at once; the real one is accepted and the field is emptied.
        var input = Page.GetByTestId("api-token-input");
        await input.FillAsync("ptk_not-a-real-token");
        await Page.GetByTestId("api-authorize-button").ClickAsync();
        await Expect(Page.GetByTestId("api-authorize-problem")).ToContainTextAsync("does not accept this token");
        await input.FillAsync(token);
        await Page.GetByTestId("api-authorize-button").ClickAsync();
        await Expect(Page.GetByTestId("api-authorized")).ToContainTextAsync("environments:write");
        Assert.DoesNotContain(token, await Page.ContentAsync(), StringComparison.Ordinal);

        await operation.GetByTestId("api-try-send").ClickAsync();
        await Expect(operation.GetByTestId("api-try-status")).ToHaveTextAsync(new Regex("^201"));
        await Expect(operation.GetByTestId("api-try-response-body")).ToContainTextAsync($"\"name\": \"{name}\"");
        await ScreenshotAsync("Created");

        // A request the API refuses: the problem details with the field, as a client would get them.
        await body.FillAsync("""{"name": "", "component": "cart-service", "type": "dev", "tier": "small"}""");
        await operation.GetByTestId("api-try-send").ClickAsync();
        await Expect(operation.GetByTestId("api-try-status")).ToHaveTextAsync(new Regex("^(400|422)"));
        await Expect(operation.GetByTestId("api-try-response-body")).ToContainTextAsync("\"errors\"");

        // Not JSON: said before anything is sent, and the last answer stays as it was.
        await body.FillAsync("""{"name": "x",}""");
        await operation.GetByTestId("api-try-send").ClickAsync();
        await Expect(operation.GetByTestId("api-try-problem")).ToContainTextAsync("not valid JSON");
        await Expect(operation.GetByTestId("api-try-curl")).ToContainTextAsync("$PORTAL_TOKEN");
        await ScreenshotAsync("Problem");
        await AssertAccessibleAsync("try it open", reloadAllowed: false);

        // The environment was really requested with the token.
        var check = await Page.APIRequest.GetAsync($"/api/environments?component=cart-service");
        Assert.Contains(name, await check.TextAsync(), StringComparison.Ordinal);

        await Page.GetByTestId("api-forget-button").ClickAsync();
        await Expect(Page.GetByTestId("api-token-input")).ToBeVisibleAsync();
        // The browser logs the refused requests it was asked to send (401, the wrong token, the 4xx problem); nothing else.
        Assert.All(ConsoleErrors, e => Assert.Matches("Failed to load resource: the server responded with a status of (400|401|422)", e));
    }
}
