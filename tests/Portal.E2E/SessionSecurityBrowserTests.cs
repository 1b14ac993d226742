using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Portal.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E;

/// <summary>Issue 17 in a real browser: forged requests from another origin (finding 5) and the must-change-password gate (finding 9).</summary>
[Collection(PortalBrowserCollection.Name)]
public sealed class SessionSecurityBrowserTests(PortalBrowserFixture fixture) : BrowserTest(fixture)
{
    [BrowserFact]
    public async Task A_page_on_another_origin_cannot_use_the_admins_session_to_disable_users()
    {
        await SignInAsync();
        var byFetch = await CreateUserAsync("csrf-fetch");
        var byForm = await CreateUserAsync("csrf-form");
        var bySameOrigin = await CreateUserAsync("csrf-control");
        // Another port on 127.0.0.1: the same site as the portal (so the SameSite=Lax cookie goes along), another origin.
        await using var attacker = new AttackerSite(PortalOrigin, byFetch, byForm);
        Assert.NotEqual(new Uri(attacker.Url).Port, Fixture.Portal.BaseAddress.Port);

        var seen = new List<string>();
        Page.Response += (_, r) => seen.Add($"{r.Status} {r.Request.Method} {r.Url}");
        Page.RequestFailed += (_, r) => seen.Add($"failed {r.Method} {r.Url}: {r.Failure}");
        await Page.GotoAsync(attacker.Url);
        // A script that awaits the network has no Playwright timeout: bounded here, as every such evaluate in these tests.
        var outcome = await Page.EvaluateAsync<string>("() => window.attack()").WaitAsync(TimeSpan.FromSeconds(30));
        // The refusal is audited under the admin's name: the browser sent the admin's cookie, and the portal refused the origin.
        await Wait.UntilAsync(async () => (await RefusalsAsync()).Contains($"POST /api/identity/users/{byFetch}/disable", StringComparison.Ordinal),
            TimeSpan.FromSeconds(15), $"the forged fetch's refusal in the audit log (page said: {outcome}; network: {string.Join("; ", seen)})");
        Assert.StartsWith("blocked from reading", outcome, StringComparison.Ordinal); // no CORS grant either

        var posted = await Page.RunAndWaitForResponseAsync(
            () => Page.EvaluateAsync("() => document.getElementById('forged').submit()"),
            r => r.Url.EndsWith($"/api/identity/users/{byForm}/disable", StringComparison.Ordinal));
        Assert.Equal((int)HttpStatusCode.Forbidden, posted.Status);
        Assert.Contains("Cross-origin request refused", await posted.TextAsync(), StringComparison.Ordinal);
        await ScreenshotAsync("Forged_form_refused");

        // The same request from the portal's own page goes through: the session was valid all along.
        await GotoAsync("/");
        var status = await Page.EvaluateAsync<int>($"() => fetch('/api/identity/users/{bySameOrigin}/disable', {{ method: 'POST' }}).then(r => r.status)").WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal((int)HttpStatusCode.NoContent, status);

        var users = await UsersAsync();
        Assert.False(users[byFetch], "disabled by a forged fetch");
        Assert.False(users[byForm], "disabled by a forged form");
        Assert.True(users[bySameOrigin]);
        Assert.Contains($"POST /api/identity/users/{byForm}/disable", await RefusalsAsync(), StringComparison.Ordinal);
    }

    [BrowserFact]
    public async Task A_page_address_with_a_dot_leads_to_the_password_form_until_the_password_is_changed()
    {
        await SignInAsync();
        var userName = "gate-" + Guid.NewGuid().ToString("N")[..6];
        await CreateUserAsync(userName, "given-password-12");
        await Page.Context.ClearCookiesAsync();

        await Page.GotoAsync("/account/login");
        await Page.GetByLabel("User name or e-mail").FillAsync(userName);
        await Page.GetByLabel("Password").FillAsync("given-password-12");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Choose a new password" })).ToBeVisibleAsync();

        await Page.GotoAsync("/catalog/user/default/dana.kim");

        await Expect(Page).ToHaveURLAsync(new Regex("/account/password\\?returnUrl=%2Fcatalog%2Fuser%2Fdefault%2Fdana\\.kim$"));
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Choose a new password" })).ToBeVisibleAsync();
        await ScreenshotAsync("Dotted_address_gated");
        await Page.GetByLabel("Current password (the one you were given)").FillAsync("given-password-12");
        await Page.GetByLabel("New password", new() { Exact = true }).FillAsync("own-password-345");
        await Page.GetByLabel("Repeat the new password").FillAsync("own-password-345");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Save password" }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("/catalog/user/default/dana\\.kim$"));
        await Page.WaitForFunctionAsync("() => window.Blazor !== undefined && document.querySelector('.mud-layout') !== null");
        // The user's page, titled with the profile's display name.
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Dana Kim" }).First).ToBeVisibleAsync();
    }

    [BrowserFact]
    public async Task An_open_page_of_a_person_an_admin_disables_signs_out_by_itself()
    {
        await SignInAsync();
        var userName = "gate-leaver-" + Guid.NewGuid().ToString("N")[..6];
        var id = await CreateUserAsync(userName, "given-password-12");
        await using var theirs = await Fixture.Browser.NewContextAsync(new() { BaseURL = Fixture.Portal.BaseAddress.ToString() });
        var page = await theirs.NewPageAsync();
        await page.GotoAsync("/account/login?returnUrl=%2Fcatalog");
        await page.GetByLabel("User name or e-mail").FillAsync(userName);
        await page.GetByLabel("Password").FillAsync("given-password-12");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.GetByLabel("Current password (the one you were given)").FillAsync("given-password-12");
        await page.GetByLabel("New password", new() { Exact = true }).FillAsync("own-password-345");
        await page.GetByLabel("Repeat the new password").FillAsync("own-password-345");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save password" }).ClickAsync();
        await page.WaitForFunctionAsync("() => window.Blazor !== undefined && document.querySelector('.mud-layout') !== null");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await Expect(page).ToHaveURLAsync(new Regex("/catalog$"));

        var disabled = await Page.APIRequest.PostAsync($"/api/identity/users/{id}/disable", new() { Headers = new Dictionary<string, string> { ["Origin"] = PortalOrigin } });
        Assert.Equal(204, disabled.Status);

        // The circuit re-checks its session every Portal:Identity:SessionCheckSeconds (10 s by default), without any click.
        await Expect(page).ToHaveURLAsync(new Regex("/account/login\\?"), new() { Timeout = 30_000 });
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign in" })).ToBeVisibleAsync();
    }

    /// <summary>Creates a local user with the signed-in admin's session, as the Users page's own origin would; returns the id.</summary>
    private async Task<string> CreateUserAsync(string prefix, string password = "victim-password-1")
    {
        var userName = prefix.StartsWith("gate-", StringComparison.Ordinal) ? prefix : $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 7)];
        var response = await Page.APIRequest.PostAsync("/api/identity/users", new()
        {
            DataObject = new { userName, password, roles = Array.Empty<string>() },
            Headers = new Dictionary<string, string> { ["Origin"] = PortalOrigin },
        });
        Assert.True(response.Status == 201, $"POST /api/identity/users: {response.Status} {await response.TextAsync()}");
        using var json = JsonDocument.Parse(await response.TextAsync());
        return json.RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>The audit log's cross-origin refusals, read with the admin's session.</summary>
    private async Task<string> RefusalsAsync() =>
        await (await Page.APIRequest.GetAsync("/api/admin/audit?action=identity.request.cross-origin&actor=admin")).TextAsync();

    /// <summary>User id → locked out (disabled), read with the admin's session.</summary>
    private async Task<Dictionary<string, bool>> UsersAsync()
    {
        var response = await Page.APIRequest.GetAsync("/api/identity/users");
        Assert.Equal(200, response.Status);
        using var json = JsonDocument.Parse(await response.TextAsync());
        return json.RootElement.EnumerateArray().ToDictionary(u => u.GetProperty("id").GetString()!, u => u.GetProperty("lockedOut").GetBoolean());
    }

    /// <summary>The attacker's page: a script that fetches and a form that posts to the portal, both with the visitor's cookies.</summary>
    private sealed class AttackerSite(string portal, string fetchVictim, string formVictim) : LoopbackServer
    {
        protected override async Task HandleAsync(HttpListenerContext context)
        {
            var html = $$"""
                <!doctype html>
                <html><head><title>Totally harmless</title></head><body>
                <form id="forged" method="post" action="{{portal}}/api/identity/users/{{formVictim}}/disable"></form>
                <script>
                  window.attack = () => fetch('{{portal}}/api/identity/users/{{fetchVictim}}/disable', { method: 'POST', credentials: 'include' })
                    .then(r => 'answered', e => 'blocked from reading: ' + e);
                </script>
                </body></html>
                """;
            var bytes = Encoding.UTF8.GetBytes(html);
            context.Response.ContentType = "text/html; charset=utf-8";
            await context.Response.OutputStream.WriteAsync(bytes);
        }
    }
}
