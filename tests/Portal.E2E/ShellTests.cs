using Microsoft.Playwright;
using Portal.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E;

[Collection(PortalBrowserCollection.Name)]
public sealed class ShellTests(PortalBrowserFixture fixture) : BrowserTest(fixture)
{
    [BrowserFact]
    public async Task Organisation_overview_shows_the_figures_that_are_in_the_database()
    {
        var connection = PostgresProbe.ConnectionString(Fixture.DataDirectory);
        var components = (long)(await PostgresProbe.ScalarAsync(connection, "SELECT count(*) FROM catalog_entities WHERE kind = 'Component'"))!;
        var systems = (long)(await PostgresProbe.ScalarAsync(connection, "SELECT count(*) FROM catalog_entities WHERE kind = 'System'"))!;
        var teams = (long)(await PostgresProbe.ScalarAsync(connection, "SELECT count(*) FROM catalog_entities WHERE kind = 'Group' AND type = 'team'"))!;

        await SignInAsync(returnUrl: "/overview");

        await Expect(Page).ToHaveTitleAsync("Organisation overview · Portal");
        await Expect(Page.GetByTestId("figure-components").Locator(".figure-value")).ToHaveTextAsync(components.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(Page.GetByTestId("figure-systems").Locator(".figure-value")).ToHaveTextAsync(systems.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(Page.GetByTestId("figure-teams").Locator(".figure-value")).ToHaveTextAsync(teams.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(Page.GetByTestId("components-by-owner")).ToContainTextAsync("Search & Discovery");
        await ScreenshotAsync();
        AssertNoConsoleErrors();
    }

    [BrowserFact]
    public async Task Navigation_drawer_leads_to_the_catalog_and_an_entity_page()
    {
        await SignInAsync();

        // The drawer's link (the home's cards may link to the catalog too).
        await Page.GetByRole(AriaRole.Navigation, new() { Name = "Main navigation" }).GetByRole(AriaRole.Link, new() { Name = "Catalog", Exact = true }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/catalog$"));
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Catalog", Level = 1 })).ToBeVisibleAsync();

        await Page.GetByTestId("catalog-search").FillAsync("payment gate");
        await Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("q=payment"));
        await Page.GetByTestId("catalog-search").FillAsync("gateway");
        await Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("q=gateway"));
        await Expect(Page.GetByTestId("catalog-table").Locator("tr.catalog-row")).ToHaveCountAsync(3);
        var row = Page.GetByRole(AriaRole.Link, new() { Name = "payment-gateway" });
        await Expect(row).ToBeVisibleAsync();
        await ScreenshotAsync("Catalog_search");

        await row.ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "payment-gateway", Level = 1 })).ToBeVisibleAsync();
        await Expect(Page.GetByRole(AriaRole.Link, new() { Name = "Runbook" })).ToHaveAttributeAsync("href", "https://runbooks.northwind.example/payment-gateway");
        await Expect(Page.GetByTestId("relations-table").GetByRole(AriaRole.Link, new() { Name = "payments-api" })).ToBeVisibleAsync();
        await ScreenshotAsync();
        AssertNoConsoleErrors();
    }

    [BrowserFact]
    public async Task App_bar_search_jumps_to_an_entity_or_to_all_results()
    {
        await SignInAsync();

        var search = Page.GetByTestId("global-search");
        await search.FillAsync("fraud");
        await Expect(Page.GetByTestId("search-hit-component:default/fraud-scoring")).ToBeVisibleAsync();
        await ScreenshotAsync("Suggestions");
        await Page.GetByTestId("search-hit-component:default/fraud-scoring").ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "fraud-scoring", Level = 1 })).ToBeVisibleAsync();

        await search.FillAsync("paymnt-gateway"); // a typo still finds it
        await Expect(Page.GetByTestId("search-hit-component:default/payment-gateway")).ToBeVisibleAsync();
        await Page.GetByTestId("search-all").ClickAsync();
        await Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/search\\?q=paymnt-gateway"));
        await Expect(Page.GetByTestId("search-result-component:default/payment-gateway")).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("search-result-component:default/cart-service")).ToHaveCountAsync(0);
        await ScreenshotAsync();
        AssertNoConsoleErrors();
    }

    [BrowserFact]
    public async Task Quick_search_shows_the_best_match_first_and_Enter_opens_the_results_page()
    {
        await SignInAsync();

        var search = Page.GetByTestId("global-search");
        await search.FillAsync("payment");
        var hits = Page.Locator("[data-testid^='search-hit-']");
        await Expect(hits.First).ToHaveAttributeAsync("data-testid", "search-hit-component:default/payment-gateway");
        await ScreenshotAsync("Quick_search_suggestions");

        await search.PressAsync("Enter");
        await Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/search\\?q=payment$"));
        var results = Page.GetByTestId("search-results").Locator("[data-testid^='search-result-']");
        await Expect(results.First).ToHaveAttributeAsync("data-testid", "search-result-component:default/payment-gateway");
        await Expect(Page.GetByTestId("search-total")).ToContainTextAsync("for \"payment\"");
        await ScreenshotAsync("Search_results");

        // The kind facet narrows the results and lives in the URL.
        await Page.GetByTestId("search-facet-kind").GetByText("API", new() { Exact = false }).First.ClickAsync();
        await Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("kind=API", System.Text.RegularExpressions.RegexOptions.IgnoreCase));
        await Expect(results.First).ToHaveAttributeAsync("data-testid", new System.Text.RegularExpressions.Regex("^search-result-api:"));
        await Expect(Page.GetByTestId("search-result-component:default/payment-gateway")).ToHaveCountAsync(0);

        // Picking a suggestion with the arrow keys still opens that entity.
        await search.FillAsync("fraud-scoring");
        // Wait for the new list, not a stale "payment" one that also lists fraud-scoring further down.
        await Expect(hits.First).ToHaveAttributeAsync("data-testid", "search-hit-component:default/fraud-scoring");
        await search.PressAsync("ArrowDown");
        await search.PressAsync("Enter");
        await Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/catalog/(component|api)/default/fraud-[a-z]+$"));

        await GotoAsync("/search?q=zzzz-nothing-like-this");
        await Expect(Page.GetByTestId("search-empty")).ToContainTextAsync("Nothing in the catalog matches");
        await ScreenshotAsync("Search_nothing_found");
        AssertNoConsoleErrors();
    }

    [BrowserFact]
    public async Task Dark_theme_choice_survives_a_reload()
    {
        await SignInAsync();
        var lightBackground = await BackgroundAsync();

        await Page.GetByTestId("theme-toggle").ClickAsync();
        await Expect(Page.Locator("body")).Not.ToHaveCSSAsync("background-color", lightBackground);
        var darkBackground = await BackgroundAsync();

        await GotoAsync("/");
        Assert.Equal(darkBackground, await BackgroundAsync());
        await ScreenshotAsync();
        AssertNoConsoleErrors();
    }

    [BrowserFact]
    public async Task An_unknown_address_shows_a_friendly_not_found_page()
    {
        await SignInAsync();
        var response = await Page.GotoAsync("/does-not-exist");

        Assert.Equal(404, response!.Status);
        await Expect(Page.GetByText("There is nothing at this address.")).ToBeVisibleAsync();
        await ScreenshotAsync();
    }

    private Task<string> BackgroundAsync() =>
        Page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");
}
