using Microsoft.Playwright;
using Portal.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E;

/// <summary>
/// OpenID Connect sign-in end to end: a real OpenIddict provider on loopback (it stands in for the
/// company's identity provider, which is not reachable here), the real portal process, real Chromium.
/// </summary>
public sealed class OidcSignInTests : IAsyncLifetime
{
    private const string ClientId = "portal";
    private const string ClientSecret = "oidc-test-client-secret";
    private readonly string _dataDirectory = TestCluster.NewDataDirectory("oidc");
    private OidcTestProvider _provider = null!;
    private PortalProcess _portal = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        var port = PortalProcess.FreePort();
        _provider = await OidcTestProvider.StartAsync(ClientId, ClientSecret,
            $"http://127.0.0.1:{port}/signin-oidc", $"http://127.0.0.1:{port}/signout-callback-oidc");
        _portal = await PortalProcess.StartAsync(port, _dataDirectory, new Dictionary<string, string?>
        {
            ["Portal__Identity__AdminPassword"] = PortalBrowserFixture.AdminPassword,
            ["Portal__Identity__Oidc__Authority"] = _provider.Authority.ToString(),
            ["Portal__Identity__Oidc__ClientId"] = ClientId,
            ["Portal__Identity__Oidc__ClientSecret"] = ClientSecret,
            ["Portal__Identity__Oidc__DisplayName"] = "Northwind SSO",
            ["Portal__Identity__Oidc__RequireHttpsMetadata"] = "false",
            ["Portal__Identity__Oidc__AdminGroups__0"] = "platform-admins",
        });
        _playwright = await Playwright.CreateAsync();
        _browser = await PortalBrowserFixture.LaunchChromiumAsync(_playwright);
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _portal.DisposeAsync();
        await _provider.DisposeAsync();
        TestCluster.TryDelete(_dataDirectory);
    }

    [BrowserFact]
    public async Task A_person_signs_in_with_the_identity_provider_and_gets_teams_and_roles_from_groups()
    {
        _provider.NextUser = new OidcTestUser("sub-maya-0001", "Maya Rossi", "maya.rossi@northwind.example", ["platform-admins", "everyone"]);
        await using var context = await _browser.NewContextAsync(new() { BaseURL = _portal.BaseAddress.ToString() });
        var page = await context.NewPageAsync();

        await page.GotoAsync("/catalog");
        await page.GetByTestId("sso").ClickAsync();

        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/catalog$"), new() { Timeout = 30_000 });
        await Expect(page.GetByTestId("user-menu")).ToContainTextAsync("Maya Rossi");
        var me = await page.EvaluateAsync<System.Text.Json.JsonElement>("() => fetch('/api/identity/me').then(r => r.json())").WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Contains("admin", me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        var teams = me.GetProperty("teams").EnumerateArray().Select(t => t.GetString()).ToList();
        Assert.Contains("group:default/data", teams);       // maya.rossi is in the Data Platform team in the catalog
        Assert.Contains("group:default/northwind", teams);  // and so in its parent
        Assert.Equal(1, _provider.AuthorizationRequests);
        await page.ScreenshotAsync(new() { Path = Path.Combine(PortalBrowserFixture.ScreenshotDirectory, "OidcSignInTests.Signed_in.png") });

        // The same person again: the existing account is reused, not duplicated.
        await page.WaitForFunctionAsync("() => window.Blazor !== undefined");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await page.GetByTestId("user-menu").ClickAsync();
        await page.GetByTestId("sign-out").ClickAsync();
        await page.GetByTestId("sso").ClickAsync();
        await Expect(page.GetByTestId("user-menu")).ToContainTextAsync("Maya Rossi", new() { Timeout = 30_000 });
        var users = PostgresProbe.ConnectionString(_dataDirectory);
        Assert.Equal(1L, await PostgresProbe.ScalarAsync(users, "SELECT count(*) FROM \"AspNetUserLogins\" WHERE provider_key = 'sub-maya-0001'"));
    }

    [BrowserFact]
    public async Task A_refusal_at_the_identity_provider_shows_a_clear_message()
    {
        _provider.NextUser = null;
        await using var context = await _browser.NewContextAsync(new() { BaseURL = _portal.BaseAddress.ToString() });
        var page = await context.NewPageAsync();

        await page.GotoAsync("/account/login");
        await page.GetByTestId("sso").ClickAsync();

        await Expect(page.GetByTestId("login-message")).ToContainTextAsync("Single sign-on did not complete", new() { Timeout = 30_000 });
    }
}
