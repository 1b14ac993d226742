using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E;

[Collection(PortalBrowserCollection.Name)]
public sealed class CatalogBrowserTests(PortalBrowserFixture fixture) : BrowserTest(fixture)
{
    [BrowserFact]
    public async Task Facets_filter_the_catalog_and_the_view_lives_in_the_url()
    {
        await SignInAsync(returnUrl: "/catalog");

        await Page.GetByTestId("facet-kind").GetByText("API").ClickAsync();
        await Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("kind=API"));
        await Expect(Page.GetByTestId("facet-type")).Not.ToContainTextAsync("service"); // facets now count APIs only
        await Page.GetByTestId("facet-type").GetByText("grpc").ClickAsync();
        await Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("type=grpc"));
        await Expect(Rows()).ToHaveCountAsync(3); // fraud-api, pricing-api, telemetry-api
        await ScreenshotAsync();

        // Shared link: the same URL opened fresh shows the same view.
        var shared = Page.Url;
        await GotoAsync(shared);
        await Expect(Rows()).ToHaveCountAsync(3);
        await Expect(Page.GetByRole(AriaRole.Link, new() { Name = "pricing-api" })).ToBeVisibleAsync();
        AssertNoConsoleErrors();
    }

    [BrowserFact]
    public async Task Sorting_and_paging_live_in_the_url_and_a_reload_shows_the_same_rows()
    {
        await SignInAsync(returnUrl: "/catalog?kind=component");
        await Expect(Rows()).ToHaveCountAsync(25); // 40 demo components (more once other tests register some), 25 a page
        // Other tests in this fixture may add components, so the total is read, not assumed.
        var pager = Page.GetByTestId("catalog-table").GetByText(new System.Text.RegularExpressions.Regex(@"^1-25 of \d+$"));
        await Expect(pager).ToBeVisibleAsync();
        var total = int.Parse((await pager.InnerTextAsync()).Split(" of ")[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(total, 40, 49);

        var header = Page.GetByTestId("catalog-table").Locator("th", new() { HasText = "Owner" });
        await header.GetByText("Owner", new() { Exact = true }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("sort=spec.owner"));
        await header.GetByText("Owner", new() { Exact = true }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("dir=desc"));
        // Descending by owner: search's components come first.
        // (sorted by the ref, shown by the team's display name, the ref on hover).
        await Expect(Rows().First.Locator("td").Nth(3)).ToHaveTextAsync("Search & Discovery");
        await Expect(Rows().First.Locator("td").Nth(3).GetByRole(AriaRole.Link)).ToHaveAttributeAsync("title", "group:default/search");

        await Page.GetByRole(AriaRole.Button, new() { Name = "Next page" }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("page=2"));
        await Expect(Rows()).ToHaveCountAsync(total - 25);
        var names = await Rows().Locator("td:first-child a").AllInnerTextsAsync();
        await ScreenshotAsync();

        var shared = Page.Url;
        Assert.Contains("kind=component", shared, StringComparison.Ordinal);
        await GotoAsync(shared);
        await Expect(Rows().Locator("td:first-child a")).ToHaveTextAsync(names.ToArray());
        await Expect(Page.GetByTestId("catalog-table")).ToContainTextAsync($"26-{total} of {total}");

        // The page size is part of the view too.
        await GotoAsync("/catalog?kind=component&size=50");
        await Expect(Rows()).ToHaveCountAsync(total);
        await Expect(Page.GetByTestId("catalog-table")).ToContainTextAsync($"1-{total} of {total}");
        AssertNoConsoleErrors();
    }

    [BrowserFact]
    public async Task The_system_facet_filters_the_catalog()
    {
        await SignInAsync(returnUrl: "/catalog");

        // Reference facets name the entity (system title, team display name), the ref on hover; the URL keeps the value.
        await Expect(Page.GetByTestId("facet-system")).ToContainTextAsync("Payments");
        await Expect(Page.GetByTestId("facet-owner").Locator("[title='group:default/search']")).ToContainTextAsync("Search & Discovery");
        await Page.GetByTestId("facet-system").Locator("[title='system:default/payments']").ClickAsync();
        await Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("system=payments"));
        await Expect(Rows()).ToHaveCountAsync(5); // the catalog opens on components
        await Page.GetByTestId("kind-all").ClickAsync();
        await Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("kind=all"));
        await Expect(Rows()).ToHaveCountAsync(11); // 5 components, 3 APIs and 3 resources
        await Expect(Page.GetByRole(AriaRole.Link, new() { Name = "payment-gateway" })).ToBeVisibleAsync();
        await Expect(Page.GetByRole(AriaRole.Link, new() { Name = "cart-service" })).ToHaveCountAsync(0);
        await ScreenshotAsync();
        AssertNoConsoleErrors();
    }

    [BrowserFact]
    public async Task An_entity_page_shows_its_relations_and_the_graph_leads_on()
    {
        await SignInAsync(returnUrl: "/catalog/component/default/order-service");

        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "order-service", Level = 1 })).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("relations-table")).ToContainTextAsync("consumesApi");
        await Expect(Page.GetByTestId("relation-graph")).ToBeVisibleAsync();
        await ScreenshotAsync();

        await Page.GetByTestId("graph-node-api:default/payments-api").ClickAsync();

        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "payments-api", Level = 1 })).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("openapi-operations")).ToContainTextAsync("/v1/payments/{id}");
        await Expect(Page.GetByTestId("api-definition")).ToContainTextAsync("openapi: 3.0.3");
        await Expect(Page.GetByTestId("relations-table")).ToContainTextAsync("apiConsumedBy");
        await ScreenshotAsync("Followed_relation");

        // The owner by the team's display name, the ref on hover; members by their profile names.
        await Page.GetByRole(AriaRole.Link, new() { Name = "Payments", Exact = true }).And(Page.Locator("[title='group:default/payments']")).First.ClickAsync();
        await Expect(Page.GetByTestId("relations-table")).ToContainTextAsync("hasMember");
        await Expect(Page.GetByTestId("relations-table").Locator("[title='user:default/ana.silva']")).ToHaveTextAsync("Ana Silva");
        await ScreenshotAsync("Team_page");
        AssertNoConsoleErrors();
    }

    [BrowserFact]
    public async Task Entity_tabs_live_in_the_url()
    {
        await SignInAsync(returnUrl: "/catalog/component/default/cart-service?tab=slos");

        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "cart-service", Level = 1 })).ToBeVisibleAsync();
        await Expect(Page.GetByRole(AriaRole.Tab, new() { Name = "SLOs" })).ToHaveAttributeAsync("aria-selected", "true");
        await Expect(Page.GetByTestId("component-slos")).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("relations-table")).ToHaveCountAsync(0);
        await ScreenshotAsync("Slos_tab");

        await Page.GetByRole(AriaRole.Tab, new() { Name = "Environments" }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("tab=environments"));
        await Expect(Page.GetByTestId("component-environments")).ToBeVisibleAsync();

        await Page.GetByRole(AriaRole.Tab, new() { Name = "Cost" }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("tab=cost"));
        await Expect(Page.GetByTestId("entity-cost").Or(Page.GetByTestId("entity-cost-empty"))).ToBeVisibleAsync();
        await ScreenshotAsync("Cost_tab");

        await Page.GetByRole(AriaRole.Tab, new() { Name = "Overview" }).ClickAsync();
        await Expect(Page).Not.ToHaveURLAsync(new System.Text.RegularExpressions.Regex("tab="));
        await Expect(Page.GetByTestId("relations-table")).ToContainTextAsync("providesApi");
        AssertNoConsoleErrors();
    }

    [BrowserFact]
    public async Task A_team_page_shows_its_members_and_what_it_owns_by_kind()
    {
        await SignInAsync(returnUrl: "/catalog/group/default/payments");

        await Expect(Page.GetByTestId("team-members")).ToContainTextAsync("Members (3)");
        // People by name with their e-mail (the ref on hover); the team's profile with its parent by display name.
        var ana = Page.GetByTestId("team-member").Filter(new() { HasText = "Ana Silva" });
        await Expect(ana.GetByRole(AriaRole.Link, new() { Name = "Ana Silva" })).ToHaveAttributeAsync("title", "user:default/ana.silva");
        await Expect(ana).ToContainTextAsync("ana.silva@northwind.example");
        await Expect(Page.GetByTestId("team-display-name")).ToHaveTextAsync("Payments");
        await Expect(Page.GetByTestId("team-email")).ToHaveTextAsync("payments@northwind.example");
        await Expect(Page.GetByTestId("team-parent").GetByRole(AriaRole.Link)).ToHaveTextAsync("Northwind Commerce");
        // The five demo components, and any the template browser tests have already created for payments (the portal is shared).
        var owned = Page.GetByTestId("owned-component");
        foreach (var component in new[] { "fraud-scoring", "payment-gateway", "payout-scheduler", "refund-service", "wallet-adapter" })
        {
            await Expect(owned.GetByRole(AriaRole.Link, new() { Name = component, Exact = true })).ToBeVisibleAsync();
        }
        await Expect(owned).ToContainTextAsync(new System.Text.RegularExpressions.Regex("Components \\d+"));
        Assert.Equal(int.Parse((await Page.GetByTestId("owned-component").Locator(".mud-chip").InnerTextAsync()).Trim(), System.Globalization.CultureInfo.InvariantCulture),
            await Page.GetByTestId("owned-component").Locator("a").CountAsync());
        await Expect(Page.GetByTestId("owned-api")).ToContainTextAsync("APIs 3");
        await Expect(Page.GetByTestId("owned-system")).ToContainTextAsync("Systems 1");
        await ScreenshotAsync();

        await Page.GetByTestId("owned-component").GetByRole(AriaRole.Link, new() { Name = "payment-gateway" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "payment-gateway", Level = 1 })).ToBeVisibleAsync();

        // The organisation owns nothing itself: an empty state, not an empty card.
        await GotoAsync("/catalog/group/default/northwind");
        await Expect(Page.GetByTestId("team-owned-empty")).ToContainTextAsync("owns nothing");
        await Expect(Page.GetByTestId("team-children")).ToContainTextAsync("Search & Discovery");
        await ScreenshotAsync("Empty");
        AssertNoConsoleErrors();
    }

    [BrowserFact]
    public async Task At_depth_2_the_graph_shows_second_degree_entities_and_they_lead_on()
    {
        await SignInAsync(returnUrl: "/catalog/component/default/order-service");

        // payment-gateway provides payments-api, which order-service consumes: two steps away.
        var secondDegree = Page.GetByTestId("graph-node-component:default/payment-gateway");
        await Expect(Page.GetByTestId("graph-node-api:default/payments-api")).ToBeVisibleAsync();
        await Expect(secondDegree).ToHaveCountAsync(0);

        await Page.GetByTestId("graph-depth-2").ClickAsync();
        await Expect(secondDegree).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("graph-depth-2")).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(Page.GetByTestId("graph-depth-2")).ToBeEnabledAsync();
        await ScreenshotAsync();

        // Depth 3 reaches more than the graph shows: it says so.
        await Page.GetByTestId("graph-depth-3").ClickAsync();
        await Expect(Page.GetByTestId("graph-depth-3")).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(Page.GetByTestId("graph-note")).ToContainTextAsync("Showing the nearest 32 entities");
        await Expect(Page.GetByTestId("graph-depth-3")).ToBeEnabledAsync();
        await ScreenshotAsync("Depth_3");

        await Page.GetByTestId("graph-depth-2").ClickAsync();
        await Expect(Page.GetByTestId("graph-depth-2")).ToBeEnabledAsync();
        await secondDegree.ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "payment-gateway", Level = 1 })).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("graph-depth-1")).ToHaveAttributeAsync("aria-pressed", "true");
        AssertNoConsoleErrors();
    }

    [BrowserFact]
    public async Task An_admin_previews_and_registers_a_location()
    {
        var folder = Path.Combine(Portal.TestSupport.TestCluster.Root, "e2e-location-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, "catalog-info.yaml");
        await File.WriteAllTextAsync(file, """
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata:
              name: browser-registered
              description: Registered from the locations page
            spec:
              type: service
              lifecycle: experimental
              owner: platform
            ---
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata:
              name: Not Valid!
            spec:
              type: service
            """);
        await SignInAsync(returnUrl: "/catalog");
        await Page.GetByTestId("register-location-link").ClickAsync();

        await Page.GetByTestId("location-target").FillAsync(file);
        await Page.GetByTestId("location-preview").ClickAsync();
        await Expect(Page.GetByTestId("location-preview-result")).ToContainTextAsync("1 entities would be imported, with 1 problem(s)");
        await Expect(Page.GetByTestId("location-preview-result")).ToContainTextAsync("metadata.name");
        await ScreenshotAsync("Preview");
        await Page.GetByTestId("location-register").ClickAsync();
        await Expect(Page.GetByTestId("locations-table")).ToContainTextAsync(file);
        await ScreenshotAsync();

        await GotoAsync("/catalog/component/default/browser-registered");
        await Expect(Page.GetByText("Registered from the locations page")).ToBeVisibleAsync();
        AssertNoConsoleErrors();
        Directory.Delete(folder, recursive: true);
    }

    [BrowserFact]
    public async Task The_api_reference_renders_the_portals_own_openapi_document_with_nothing_loaded_from_elsewhere()
    {
        // No network here anyway; this makes it a finding rather than a silent failure: any request off the portal is recorded and refused.
        var portal = Fixture.Portal.BaseAddress.Authority;
        var elsewhere = new List<string>();
        await Page.RouteAsync("**/*", async route =>
        {
            if (new Uri(route.Request.Url).Authority == portal)
            {
                await route.ContinueAsync();
                return;
            }
            elsewhere.Add(route.Request.Url);
            await route.AbortAsync();
        });
        await SignInAsync();

        await Page.GetByRole(AriaRole.Link, new() { Name = "API reference" }).ClickAsync();

        var list = Page.GetByTestId("openapi-operation").Filter(new() { Has = Page.Locator("summary code", new() { HasTextRegex = new System.Text.RegularExpressions.Regex("^/api/catalog/entities$") }) })
            .Filter(new() { HasText = "GET" });
        await Expect(list).ToHaveCountAsync(1);
        await list.Locator("summary").ClickAsync();
        await Expect(list.GetByTestId("openapi-parameters")).ToContainTextAsync("fullText");
        await Expect(list.GetByTestId("openapi-parameters")).ToContainTextAsync("cursor");
        await Expect(list.GetByTestId("openapi-responses")).ToContainTextAsync("200");
        await Expect(list).ToContainTextAsync("Access: scope:catalog:read");
        await ScreenshotAsync();
        Assert.Empty(elsewhere);
        AssertNoConsoleErrors();
    }

    private ILocator Rows() => Page.GetByTestId("catalog-table").Locator("tr.catalog-row");

    [BrowserFact]
    public async Task Owned_shows_my_teams_entities_and_Starred_what_I_starred()
    {
        await SignInAsync();
        var created = await Page.APIRequest.PostAsync("/api/identity/users", new()
        {
            // chen.wei is a member of the Payments team in the demo catalog.
            DataObject = new { userName = "chen.wei", password = "given-password-12", roles = Array.Empty<string>() },
            Headers = new Dictionary<string, string> { ["Origin"] = PortalOrigin },
        });
        Assert.True(created.Status == 201, await created.TextAsync());
        await Page.Context.ClearCookiesAsync();
        await Page.GotoAsync("/account/login?returnUrl=%2Fcatalog");
        await Page.GetByLabel("User name or e-mail").FillAsync("chen.wei");
        await Page.GetByLabel("Password").FillAsync("given-password-12");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        // A new account chooses its own password first.
        await Page.GetByLabel("Current password (the one you were given)").FillAsync("given-password-12");
        await Page.GetByLabel("New password", new() { Exact = true }).FillAsync("chen-own-password-1");
        await Page.GetByLabel("Repeat the new password").FillAsync("chen-own-password-1");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Save password" }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/catalog$"));
        await GotoAsync("/catalog");

        // Other browser tests on this portal may add components for payments (scaffolding): count what is there now.
        var owned = (long)(await Portal.TestSupport.PostgresProbe.ScalarAsync(Portal.TestSupport.PostgresProbe.ConnectionString(Fixture.DataDirectory),
            "SELECT count(*) FROM catalog_entities WHERE kind = 'Component' AND owner = 'group:default/payments'"))!;
        Assert.True(owned >= 5, $"the demo's Payments team owns at least 5 components, found {owned}");
        await Page.GetByTestId("view-owned").ClickAsync();
        await Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("view=owned"));
        await Expect(Rows()).ToHaveCountAsync((int)owned); // the Payments team's components, and no one else's
        await Expect(Page.GetByRole(AriaRole.Link, new() { Name = "payment-gateway" })).ToBeVisibleAsync();
        await Expect(Page.GetByRole(AriaRole.Link, new() { Name = "cart-service" })).ToHaveCountAsync(0);
        await ScreenshotAsync("Owned");

        await Page.GetByTestId("view-starred").ClickAsync();
        await Expect(Page.GetByTestId("catalog-empty")).ToContainTextAsync("You have starred nothing yet");
        await ScreenshotAsync("Starred_empty");

        await GotoAsync("/catalog/component/default/cart-service");
        await Page.GetByTestId("star-toggle").ClickAsync();
        await Expect(Page.GetByTestId("star-toggle")).ToHaveAttributeAsync("aria-pressed", "true");
        await GotoAsync("/catalog?view=starred");
        await Expect(Rows()).ToHaveCountAsync(1);
        await Expect(Page.GetByRole(AriaRole.Link, new() { Name = "cart-service" })).ToBeVisibleAsync();
        await ScreenshotAsync("Starred");

        // Unstarred from its page, it leaves the Starred view.
        await GotoAsync("/catalog/component/default/cart-service");
        await Expect(Page.GetByTestId("star-toggle")).ToHaveAttributeAsync("aria-pressed", "true");
        await Page.GetByTestId("star-toggle").ClickAsync();
        await Expect(Page.GetByTestId("star-toggle")).ToHaveAttributeAsync("aria-pressed", "false");
        await GotoAsync("/catalog?view=starred");
        await Expect(Page.GetByTestId("catalog-empty")).ToContainTextAsync("You have starred nothing yet");
        AssertNoConsoleErrors();
    }
}
