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
        "/create/tasks", "/create/actions", "/create/templates/default/aspnet-service", "/account/tokens", "/not-found", "/cost/budgets", "/scorecards/teams/payments", "/scorecards/campaigns/new", "/scorecards/new", "/notifications",
        "/oncall/me", "/oncall/schedules/no-such-schedule",
    ];

    [BrowserFact]
    public async Task Every_page_of_the_navigation_and_the_detail_pages_pass_axe_in_light_and_dark_theme()
    {
        var findings = new List<AxeFinding>();
        var headingProblems = new List<string>();

        // The sign-in page, signed out; then the rest as the admin, who sees every navigation entry.
        await Page.GotoAsync("/account/login");
        findings.AddRange(await ScanBothThemesAsync("signed out", reloadAllowed: true, screenshotName: "Sign_in"));
        headingProblems.AddRange(await HeadingProblemsAsync("/account/login"));
        await SignInWithoutScanAsync();

        var navigation = await Page.Locator("nav a[href]:not([target=_blank])").EvaluateAllAsync<string[]>(
            "links => links.map(a => new URL(a.href).pathname)");
        Assert.Superset(new HashSet<string> { "/", "/catalog", "/create", "/environments", "/slos", "/cost", "/api-docs", "/catalog/locations",
            "/environments/policy", "/cost/rules", "/admin/users", "/admin/tokens", "/admin/audit" }, navigation.ToHashSet());

        var task = await CreateTaskAsync();
        var details = new[]
        {
            "/catalog/component/default/cart-service",
            task,
            task + "/repository",
            await CreateEnvironmentAsync(),
            await CreateSloAsync(),
        };

        foreach (var path in navigation.Concat(details).Concat(MorePages).Distinct())
        {
            await OpenAsync(path);
            await Expect(Page.Locator("h1").First).ToBeVisibleAsync();
            var name = Regex.Replace(path, "[0-9a-f-]{36}", "id").Trim('/').Split('?')[0].Replace('/', '_');
            findings.AddRange(await ScanBothThemesAsync("opened", reloadAllowed: true, screenshotName: name.Length == 0 ? "home" : name));
            headingProblems.AddRange(await HeadingProblemsAsync(path));
        }

        Assert.True(findings.Count == 0, AxeScan.Report(findings));
        Assert.True(headingProblems.Count == 0, "Headings out of order:\n" + string.Join('\n', headingProblems));
        AssertNoConsoleErrors();
    }

    /// <summary>
    /// One h1, then no level skipped on the way down (h2 then h4 leaves a screen reader user wondering what was missed).
    /// axe's heading-order rule is a best practice outside the WCAG tags, so the test checks it itself.
    /// </summary>
    private async Task<IReadOnlyList<string>> HeadingProblemsAsync(string path)
    {
        var headings = await Page.EvaluateAsync<HeadingInfo[]>("""
            () => [...document.querySelectorAll('h1,h2,h3,h4,h5,h6,[role=heading]')]
                .filter(h => h.getClientRects().length > 0)
                .map(h => ({ level: Number(h.getAttribute('aria-level') ?? h.tagName.substring(1)), text: h.textContent.trim().slice(0, 60) }))
            """);
        var problems = new List<string>();
        if (headings.Count(h => h.Level == 1) != 1 || headings.FirstOrDefault()?.Level != 1)
        {
            problems.Add($"{path}: the first heading is not the page's only h1 ({string.Join(", ", headings.Select(h => $"h{h.Level} {h.Text}"))})");
        }
        for (var i = 1; i < headings.Length; i++)
        {
            if (headings[i].Level > headings[i - 1].Level + 1)
            {
                problems.Add($"{path}: h{headings[i - 1].Level} \"{headings[i - 1].Text}\" is followed by h{headings[i].Level} \"{headings[i].Text}\"");
            }
        }
        return problems;
    }

    /// <summary>Settable properties: Playwright fills the object from the script's result.</summary>
    private sealed class HeadingInfo
    {
        public int Level { get; set; }
        public string Text { get; set; } = "";
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
            values = new { name = $"a11y-{Guid.NewGuid():N}"[..12], owner = "group:default/checkout" },
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
