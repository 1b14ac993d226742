using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E;

[Collection(PortalBrowserCollection.Name)]
public sealed class CatalogBrowserTests(PortalBrowserFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public async Task Facets_filter_the_catalog_and_the_view_lives_in_the_url()
    {
        await SignInAsync(returnUrl: "/catalog");

        await Page.GetByTestId("facet-kind").GetByText("API").ClickAsync();
        await Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("kind=API"));
        await Expect(Page.GetByTestId("facet-type")).Not.ToContainTextAsync("service"); // facets now count APIs only
        await Page.GetByTestId("facet-type").GetByText("grpc").ClickAsync();
        await Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("type=grpc"));
        var rows = Page.GetByTestId("catalog-table").Locator("tbody tr");
        await Expect(rows).ToHaveCountAsync(3); // fraud-api, pricing-api, telemetry-api
        await ScreenshotAsync();

        // Shared link: the same URL opened fresh shows the same view.
        var shared = Page.Url;
        await GotoAsync(shared);
        await Expect(Page.GetByTestId("catalog-table").Locator("tbody tr")).ToHaveCountAsync(3);
        await Expect(Page.GetByRole(AriaRole.Link, new() { Name = "pricing-api" })).ToBeVisibleAsync();
        AssertNoConsoleErrors();
    }

    [Fact]
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

        await Page.GetByRole(AriaRole.Link, new() { Name = "payments", Exact = true }).First.ClickAsync();
        await Expect(Page.GetByTestId("relations-table")).ToContainTextAsync("hasMember");
        await Expect(Page.GetByTestId("relations-table")).ToContainTextAsync("ana.silva");
        await ScreenshotAsync("Team_page");
        AssertNoConsoleErrors();
    }

    [Fact]
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

    [Fact]
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
}
