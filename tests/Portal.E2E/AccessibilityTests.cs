using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E;

/// <summary>WCAG 2.1 AA across the portal: every page of the navigation and the detail pages, in light and dark theme.</summary>
[Collection(PortalBrowserCollection.Name)]
public sealed class AccessibilityTests(PortalBrowserFixture fixture) : BrowserTest(fixture)
{
    /// <summary>Pages a signed-in admin reaches from the navigation or from a button on those pages.</summary>
    private static readonly string[] MorePages =
    [
        "/environments/new?component=cart-service", "/environments/approvals", "/slos/new", "/slos/alerts", "/slos/coverage",
        "/create/tasks", "/create/actions", "/create/templates/default/aspnet-service", "/account/tokens", "/not-found",
    ];

    [Fact]
    public async Task Every_page_of_the_navigation_and_the_detail_pages_pass_axe_in_light_and_dark_theme()
    {
        var findings = new List<AxeFinding>();

        // The sign-in page, signed out; then the rest as the admin, who sees every navigation entry.
        await Page.GotoAsync("/account/login");
        findings.AddRange(await ScanBothThemesAsync("signed out", reloadAllowed: true, screenshotName: "Sign_in"));
        await SignInWithoutScanAsync();

        var navigation = await Page.Locator("nav a[href]:not([target=_blank])").EvaluateAllAsync<string[]>(
            "links => links.map(a => new URL(a.href).pathname)");
        Assert.Superset(new HashSet<string> { "/", "/catalog", "/create", "/environments", "/slos", "/cost", "/api-docs", "/catalog/locations",
            "/environments/policy", "/cost/rules", "/admin/users", "/admin/tokens", "/admin/audit" }, navigation.ToHashSet());

        var details = new[]
        {
            "/catalog/component/default/cart-service",
            await CreateTaskAsync(),
            await CreateEnvironmentAsync(),
            await CreateSloAsync(),
        };

        foreach (var path in navigation.Concat(details).Concat(MorePages).Distinct())
        {
            await OpenAsync(path);
            await Expect(Page.Locator("h1").First).ToBeVisibleAsync();
            var name = Regex.Replace(path, "[0-9a-f-]{36}", "id").Trim('/').Split('?')[0].Replace('/', '_');
            findings.AddRange(await ScanBothThemesAsync("opened", reloadAllowed: true, screenshotName: name.Length == 0 ? "home" : name));
        }

        Assert.True(findings.Count == 0, AxeScan.Report(findings));
        AssertNoConsoleErrors();
    }

    private async Task SignInWithoutScanAsync()
    {
        await Page.GetByLabel("User name or e-mail").FillAsync("admin");
        await Page.GetByLabel("Password").FillAsync(PortalBrowserFixture.AdminPassword);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await WaitForPortalAsync();
    }

    /// <summary>A scaffolder task from the built-in template, through the API; the page shows it whatever state it reaches.</summary>
    private async Task<string> CreateTaskAsync()
    {
        var id = await PostAsync("/api/scaffolder/tasks", new
        {
            templateRef = "template:default/aspnet-service",
            values = new { name = $"a11y-{Guid.NewGuid():N}"[..12], owner = "group:default/payments" },
        });
        return $"/create/tasks/{id}";
    }

    private async Task<string> CreateEnvironmentAsync() =>
        $"/environments/{await PostAsync("/api/environments", new { name = $"a11y-{Guid.NewGuid():N}"[..12], component = "cart-service", type = "dev", tier = "small", ttl = "1d" })}";

    private async Task<string> CreateSloAsync() =>
        $"/slos/{await PostAsync("/api/slos", new { name = $"a11y-{Guid.NewGuid():N}"[..12], component = "component:default/cart-service", indicator = "availability", target = 0.999 })}";

    private async Task<string> PostAsync(string path, object body)
    {
        var response = await Page.APIRequest.PostAsync(path, new()
        {
            DataObject = body,
            Headers = new Dictionary<string, string> { ["Origin"] = PortalOrigin },
        });
        Assert.True(response.Ok, $"POST {path}: {response.Status} {await response.TextAsync()}");
        using var json = JsonDocument.Parse(await response.TextAsync());
        return json.RootElement.GetProperty("id").GetString()!;
    }
}
