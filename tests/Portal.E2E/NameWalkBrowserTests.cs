using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Portal.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E;

/// <summary>
/// Walks every page as a team member and as an admin (issue #24, "names everywhere"): each page is opened, left to finish
/// loading and saved as a screenshot to look at, and its visible text must name teams and people, never show their raw
/// <c>group:default/…</c> or <c>user:default/…</c> refs. Refs may stand where people read source or type them (see
/// <see cref="RawRefPlaces"/>); the console stays clean throughout.
/// </summary>
[Collection(PortalBrowserCollection.Name)]
public sealed class NameWalkBrowserTests(PortalBrowserFixture fixture) : BrowserTest(fixture)
{
    private const string Member = "ana.silva"; // a Payments member in the demo catalog; no other browser test has an account for her

    /// <summary>
    /// Where a raw ref is the point: <c>pre</c>/<c>code</c> (the inspect dialog's YAML and JSON, template values shown as code, the
    /// API reference's examples), form fields (what a person typed), and hover text (a <c>title</c> is no text node).
    /// </summary>
    private const string RawRefPlaces = "pre, code, textarea, input, [data-raw-ref]";

    private static readonly Regex RawRef = new(@"\b(?:group|user):default/[a-z0-9_.-]+", RegexOptions.IgnoreCase);

    private static readonly string[] MemberPages =
    [
        "/", "/overview", "/catalog", "/search?q=payment", "/catalog/group/default/payments", "/catalog/user/default/ana.silva",
        "/catalog/system/default/payments", "/create", "/create/templates/default/aspnet-service", "/create/tasks", "/environments",
        "/environments/new?component=payment-gateway", "/slos", "/slos/alerts", "/slos/coverage", "/cost", "/cost/budgets", "/insights",
        "/scorecards", "/scorecards/teams/payments", "/oncall", "/account/tokens",
    ];

    private static readonly string[] AdminPages =
    [
        "/", "/admin/users", "/admin/tokens", "/admin/audit", "/catalog/locations", "/environments/policy", "/environments/approvals",
        "/cost/rules", "/scorecards/new", "/scorecards/campaigns/new", "/slos/new", "/catalog?kind=all",
    ];

    [BrowserFact]
    public async Task Every_page_names_teams_and_people_for_a_member_and_an_admin()
    {
        await SignInAsync();
        var created = await PostAsync("/api/identity/users", new { userName = Member, password = "given-password-12", roles = Array.Empty<string>() });
        Assert.True(created.Status == 201, await created.TextAsync());
        // Pages with details: a task of Payments, an environment and an SLO of payment-gateway.
        var task = $"/create/tasks/{await IdAsync("/api/scaffolder/tasks", new { templateRef = "template:default/aspnet-service", values = new { name = $"walk-{Guid.NewGuid():N}"[..12], owner = "group:default/payments" } })}";
        var environment = $"/environments/{await IdAsync("/api/environments", new { name = $"walk-{Guid.NewGuid():N}"[..12], component = "payment-gateway", type = "dev", tier = "small", ttl = "1d" })}";
        var slo = $"/slos/{await IdAsync("/api/slos", new { name = $"walk-{Guid.NewGuid():N}"[..12], component = "component:default/payment-gateway", indicator = "availability", target = 0.999 })}";
        // Scorecard results for payment-gateway, so its Scorecards tab has rules whose explanations name the owner.
        var evaluate = await PostAsync("/api/scorecards/evaluate", new { });
        Assert.True(evaluate.Status == 202, $"POST /api/scorecards/evaluate: {evaluate.Status}");
        await Wait.UntilAsync(async () =>
        {
            var results = await Page.APIRequest.GetAsync("/api/scorecards/results?team=group:default/payments");
            return results.Ok && (await results.TextAsync()).Contains("\"component:default/payment-gateway\"", StringComparison.Ordinal);
        }, TimeSpan.FromMinutes(2), "scorecard results for payment-gateway");
        // An audit entry whose target holds a team's ref (a budget set and removed), whatever ran before on the shared portal.
        var budget = await Page.APIRequest.PutAsync("/api/cost/budgets", new()
        {
            DataObject = new { team = "group:default/data", monthlyAmount = 1 },
            Headers = new Dictionary<string, string> { ["Origin"] = PortalOrigin },
        });
        Assert.True(budget.Ok, $"PUT /api/cost/budgets: {budget.Status} {await budget.TextAsync()}");
        using (var set = JsonDocument.Parse(await budget.TextAsync()))
        {
            var deleted = await Page.APIRequest.DeleteAsync($"/api/cost/budgets/{set.RootElement.GetProperty("id").GetString()}",
                new() { Headers = new Dictionary<string, string> { ["Origin"] = PortalOrigin } });
            Assert.True(deleted.Status == 204, $"DELETE budget: {deleted.Status}");
        }
        // The incident page when the shared portal has an incident (the on-call test opens one; waiting minutes for an alert here would slow every run).
        var incidents = await IncidentPagesAsync();

        var findings = new List<string>();
        foreach (var path in AdminPages.Concat(incidents))
        {
            findings.AddRange(await VisitAsync("admin", path));
        }

        await SignInAsMemberAsync();
        foreach (var path in MemberPages.Concat([task, task + "/repository", environment, slo]))
        {
            findings.AddRange(await VisitAsync("member", path));
        }
        // The entity page and each of its tabs (the features' tabs: SLOs, environments, cost, scorecard, delivery, ...).
        await OpenAsync("/catalog/component/default/payment-gateway");
        var tabs = Page.GetByRole(AriaRole.Tab);
        var count = await tabs.CountAsync();
        Assert.True(count > 1, "The component page shows its features' tabs.");
        for (var i = 0; i < count; i++)
        {
            var tab = (await tabs.Nth(i).TextContentAsync() ?? "").Trim();
            await tabs.Nth(i).ClickAsync();
            await Expect(tabs.Nth(i)).ToHaveAttributeAsync("aria-selected", "true");
            if (tab == "Scorecards")
            {
                // The owner rule's explanation, stored with the ref, reads with the team's name.
                await Expect(Page.GetByTestId("entity-scorecard-rule").Filter(new() { HasText = "Owned by Payments, a team the catalog knows." }).First).ToBeVisibleAsync();
            }
            findings.AddRange(await CheckAsync("member", $"payment-gateway tab {tab}", $"entity_{Regex.Replace(tab, "[^A-Za-z]+", "_")}"));
        }

        Assert.True(findings.Count == 0, "Raw refs where a name belongs:\n" + string.Join('\n', findings));
        AssertNoConsoleErrors();
    }

    private async Task<IReadOnlyList<string>> VisitAsync(string who, string path)
    {
        await OpenAsync(path);
        var name = Regex.Replace(path, "[0-9a-f-]{36}", "id").Trim('/').Replace('?', '_').Replace('=', '_').Replace('/', '_');
        return await CheckAsync(who, path, name.Length == 0 ? "home" : name);
    }

    /// <summary>Waits until the page has loaded (a heading, no spinner or skeleton left; a quota bar is a value, not loading), saves a screenshot and lists the raw refs shown.</summary>
    private async Task<IReadOnlyList<string>> CheckAsync(string who, string where, string screenshot)
    {
        await Expect(Page.Locator("h1").First).ToBeVisibleAsync();
        await Page.WaitForFunctionAsync(
            "() => ![...document.querySelectorAll('.mud-progress-indeterminate, .mud-skeleton')].some(e => e.getClientRects().length > 0)",
            null, new() { Timeout = 20_000 });
        await SaveScreenshotAsync($"{who}.{screenshot}");
        var texts = await Page.EvaluateAsync<string[]>("""
            excluded => {
              const found = [];
              const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
              for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const element = node.parentElement;
                if (!element || element.closest(excluded) || element.getClientRects().length === 0) continue;
                if (/(group|user):default\//i.test(node.textContent)) found.push(node.textContent.trim().slice(0, 120));
              }
              return found;
            }
            """, RawRefPlaces);
        return texts.Select(t => $"{who} {where}: {RawRef.Match(t).Value} in \"{t}\"").ToList();
    }

    private Task SignInAsMemberAsync() => SignInAsNewUserAsync(Member, "ana-own-password-1");

    private async Task<IEnumerable<string>> IncidentPagesAsync()
    {
        var list = await Page.APIRequest.GetAsync("/api/incidents");
        Assert.True(list.Ok, $"GET /api/incidents: {list.Status}");
        using var json = JsonDocument.Parse(await list.TextAsync());
        return json.RootElement.EnumerateArray().Take(1).Select(i => $"/incidents/{i.GetProperty("id").GetString()}").ToList();
    }

    private async Task<string> IdAsync(string path, object body)
    {
        var response = await PostAsync(path, body);
        Assert.True(response.Ok, $"POST {path}: {response.Status} {await response.TextAsync()}");
        using var json = JsonDocument.Parse(await response.TextAsync());
        return json.RootElement.GetProperty("id").GetString()!;
    }

    private Task<IAPIResponse> PostAsync(string path, object body) => Page.APIRequest.PostAsync(path, new()
    {
        DataObject = body,
        Headers = new Dictionary<string, string> { ["Origin"] = PortalOrigin },
    });
}
