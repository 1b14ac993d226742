using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E;

/// <summary>
/// Destructive and privileged actions ask first and name their object (issue #24): granting Platform admin and
/// disabling a person on the Users page (never oneself), deleting an environment, and the entity page's actions
/// (copy ref, inspect, refresh, unregister).
/// </summary>
[Collection(PortalBrowserCollection.Name)]
public sealed class ConfirmationBrowserTests(PortalBrowserFixture fixture) : BrowserTest(fixture)
{
    private Dictionary<string, string> Origin => new() { ["Origin"] = PortalOrigin };

    [BrowserFact]
    public async Task Granting_admin_and_disabling_a_person_ask_first_and_name_them_and_no_one_may_disable_themselves()
    {
        var userName = $"confirm-{Guid.NewGuid():N}"[..16];
        await SignInAsync();
        var created = await Page.APIRequest.PostAsync("/api/identity/users", new()
        {
            DataObject = new { userName, password = "given-password-12", roles = Array.Empty<string>() },
            Headers = Origin,
        });
        Assert.True(created.Status == 201, await created.TextAsync());

        await GotoAsync("/admin/users");
        var mine = Page.GetByTestId("users-table").Locator("tr").Filter(new() { Has = Page.GetByText("admin", new() { Exact = true }) });
        await Expect(mine.GetByTestId("user-you")).ToBeVisibleAsync();
        await Expect(mine.GetByTestId("user-disable")).ToHaveCountAsync(0);

        var row = Page.GetByTestId("users-table").Locator("tr").Filter(new() { HasText = userName });
        var admin = row.GetByRole(AriaRole.Checkbox, new() { Name = "Platform admin" });
        await Expect(admin).Not.ToBeCheckedAsync();
        await Expect(row.GetByTestId("save-roles")).ToHaveCountAsync(0); // nothing changed, nothing to save
        await admin.CheckAsync();
        await row.GetByTestId("save-roles").ClickAsync();
        var dialog = Page.GetByRole(AriaRole.Dialog);
        await Expect(dialog).ToContainTextAsync($"Make {userName} a platform admin?");
        await ScreenshotAsync("Grant_admin_confirmation");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Expect(dialog).ToHaveCountAsync(0);
        Assert.DoesNotContain("admin", await RolesAsync(userName)); // asked, declined: not granted

        await row.GetByTestId("save-roles").ClickAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Grant Platform admin" }).ClickAsync();
        await Expect(row.GetByTestId("save-roles")).ToHaveCountAsync(0);
        await Expect(admin).ToBeCheckedAsync();
        Assert.Contains("admin", await RolesAsync(userName));

        await row.GetByTestId("user-disable").ClickAsync();
        await Expect(dialog).ToContainTextAsync($"Disable {userName}?");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Disable" }).ClickAsync();
        await Expect(row.GetByTestId("user-enable")).ToBeVisibleAsync();
        await ScreenshotAsync("Users_after");
        AssertNoConsoleErrors();
    }

    [BrowserFact]
    public async Task Deleting_an_environment_asks_and_names_it_and_cancel_keeps_it()
    {
        await SignInAsync();
        var response = await Page.APIRequest.PostAsync("/api/environments", new()
        {
            DataObject = new { name = "confirm-e2e-dev", component = "cart-service", type = "dev", tier = "small", ttl = "1d" },
            Headers = Origin,
        });
        Assert.True(response.Ok, $"POST /api/environments: {response.Status} {await response.TextAsync()}");
        var id = System.Text.Json.JsonDocument.Parse(await response.TextAsync()).RootElement.GetProperty("id").GetGuid();
        await GotoAsync($"/environments/{id}");
        await Expect(Page.GetByTestId("environment-status").First).ToHaveTextAsync("Ready", new() { Timeout = 120_000 });

        await Page.GetByTestId("env-delete").ClickAsync();
        var dialog = Page.GetByRole(AriaRole.Dialog);
        await Expect(dialog).ToContainTextAsync("Delete confirm-e2e-dev?");
        await Expect(dialog).ToContainTextAsync("cannot be undone");
        await ScreenshotAsync("Delete_confirmation");
        await Page.Keyboard.PressAsync("Escape");
        await Expect(dialog).ToHaveCountAsync(0);
        await Expect(Page.GetByTestId("environment-status").First).ToHaveTextAsync("Ready"); // kept

        await Page.GetByTestId("env-delete").ClickAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Expect(Page.GetByTestId("environment-status").First).ToHaveTextAsync(new Regex("^(Deleting|Deleted)$"), new() { Timeout = 120_000 });
        AssertNoConsoleErrors();
    }

    [BrowserFact]
    public async Task Entity_actions_copy_the_ref_inspect_refresh_and_unregister_after_asking()
    {
        await SignInAsync();
        var name = $"confirm-widget-{Guid.NewGuid():N}"[..22];
        var posted = await Page.APIRequest.PostAsync("/api/catalog/entities", new()
        {
            DataObject = new
            {
                apiVersion = "backstage.io/v1alpha1", kind = "Component",
                metadata = new { name, description = "Posted by the confirmation test." },
                spec = new { type = "service", lifecycle = "experimental", owner = "group:default/checkout" },
            },
            Headers = Origin,
        });
        Assert.True(posted.Ok, $"POST /api/catalog/entities: {posted.Status} {await posted.TextAsync()}");
        var entityRef = $"component:default/{name}";

        await GotoAsync($"/catalog/component/default/{name}");
        await Page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        await Page.GetByTestId("entity-actions").ClickAsync();
        await Page.GetByTestId("action-copy-ref").ClickAsync();
        await Expect(Page.GetByText($"Copied {entityRef}")).ToBeVisibleAsync();
        Assert.Equal(entityRef, await Page.EvaluateAsync<string>("() => navigator.clipboard.readText()").WaitAsync(TimeSpan.FromSeconds(30)));

        await Page.GetByTestId("entity-actions").ClickAsync();
        await Page.GetByTestId("action-inspect").ClickAsync();
        var dialog = Page.GetByRole(AriaRole.Dialog);
        await Expect(dialog).ToContainTextAsync($"Inspect {entityRef}");
        await Expect(dialog.GetByTestId("inspect-yaml")).ToContainTextAsync($"name: {name}");
        await ScreenshotAsync("Inspect");
        await dialog.GetByRole(AriaRole.Tab, new() { Name = "JSON" }).ClickAsync();
        await Expect(dialog.GetByTestId("inspect-json")).ToContainTextAsync($"\"name\": \"{name}\"");
        await dialog.GetByTestId("inspect-close").ClickAsync();
        await Expect(dialog).ToHaveCountAsync(0);

        // Posted through the API, it has no location to refresh; unregistering asks and names it.
        await Page.GetByTestId("entity-actions").ClickAsync();
        await Expect(Page.GetByTestId("action-refresh")).ToHaveCountAsync(0);
        await Page.GetByTestId("action-unregister").ClickAsync();
        await Expect(dialog).ToContainTextAsync($"Unregister {entityRef}?");
        await ScreenshotAsync("Unregister_confirmation");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = name, Level = 1 })).ToBeVisibleAsync();
        await Page.GetByTestId("entity-actions").ClickAsync();
        await Page.GetByTestId("action-unregister").ClickAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Unregister" }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("/catalog$"));
        await GotoAsync($"/catalog/component/default/{name}");
        await Expect(Page.GetByTestId("entity-not-found")).ToBeVisibleAsync();

        // A demo entity read from a location: the admin refreshes it from there.
        await GotoAsync("/catalog/component/default/cart-service");
        await Page.GetByTestId("entity-actions").ClickAsync();
        await Page.GetByTestId("action-refresh").ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "cart-service", Level = 1 })).ToBeVisibleAsync();
        AssertNoConsoleErrors();
    }

    private async Task<string> RolesAsync(string userName)
    {
        var users = await Page.APIRequest.GetAsync("/api/identity/users");
        Assert.True(users.Ok, $"GET /api/identity/users: {users.Status}");
        var json = System.Text.Json.JsonDocument.Parse(await users.TextAsync()).RootElement;
        var list = json.ValueKind == System.Text.Json.JsonValueKind.Array ? json : json.GetProperty("items");
        var user = list.EnumerateArray().First(u => u.GetProperty("userName").GetString() == userName);
        return string.Join(",", user.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }
}
