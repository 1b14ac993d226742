using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Features.Catalog;

namespace Portal.IntegrationTests.Catalog;

/// <summary>Importing Backstage's own example catalog through file locations, then querying it like a Backstage client.</summary>
public sealed class LocationImportTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        using var admin = factory.AdminClient();
        foreach (var file in new[] { "all.yaml", "acme/org.yaml" })
        {
            var response = await admin.PostAsJsonAsync("/api/catalog/locations", new { type = "file", target = CatalogTestData.File(file) });
            Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, await response.Content.ReadAsStringAsync());
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Both_roots_yield_exactly_the_documented_counts_by_kind()
    {
        await using var db = await factory.DbAsync();
        var counts = await db.CatalogEntities.Where(e => e.LocationId != null).GroupBy(e => e.Kind).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.Key, x => x.Count);

        Assert.Equal(new Dictionary<string, int>
        {
            ["Location"] = 8, ["API"] = 10, ["Component"] = 13, ["Domain"] = 3, ["System"] = 3, ["Resource"] = 1, ["AiResource"] = 3,
            ["Group"] = 8, ["User"] = 17,
        }, counts);
        Assert.Equal(2, await db.CatalogEntities.CountAsync(e => e.Kind == "User" && e.Name == "guest"));
        await AuditAssert.RecordedAsync(factory, "catalog.location.create", $"file:{CatalogTestData.File("all.yaml")}", "bootstrap-admin-token");
    }

    [Fact]
    public async Task Owners_resolve_in_both_directions()
    {
        using var admin = factory.AdminClient();

        var owned = await admin.GetFromJsonAsync<JsonObject>("/api/catalog/entities?filter=relations.ownedby=group:default/team-a&limit=100&fields=kind,metadata.name");
        var team = await admin.GetFromJsonAsync<JsonObject>("/api/catalog/entities/by-name/group/default/team-a");

        Assert.Equal(15, owned!["totalItems"]!.GetValue<int>());
        var names = owned["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()).ToList();
        Assert.Contains("artist-lookup", names);
        Assert.Contains("artists-db", names);
        var ownerOf = team!["relations"]!.AsArray().Where(r => r!["type"]!.GetValue<string>() == "ownerOf").Select(r => r!["targetRef"]!.GetValue<string>()).ToList();
        Assert.Contains("component:default/artist-lookup", ownerOf);
        Assert.Equal(15, ownerOf.Count);
        Assert.Contains(team["relations"]!.AsArray(), r => r!["type"]!.GetValue<string>() == "childOf");
    }

    [Fact]
    public async Task Filters_follow_Backstage_semantics_comma_is_and_repeated_is_or()
    {
        using var admin = factory.AdminClient();

        async Task<int> Total(string query) => (await admin.GetFromJsonAsync<JsonObject>("/api/catalog/entities?" + query))!["totalItems"]!.GetValue<int>();

        Assert.Equal(13, await Total("filter=kind=component"));
        Assert.Equal(13, await Total("filter=KIND=Component")); // case-insensitive
        Assert.Equal(10, await Total("filter=kind=component,spec.type=service"));
        Assert.Equal(13, await Total("filter=kind=api&filter=kind=system"));
        Assert.Equal(2, await Total("filter=kind=component,spec.type=website"));
        Assert.Equal(17, await Total("filter=kind=user,spec.memberof")); // key alone: the field exists
        Assert.Equal(3, await Total("filter=metadata.tags=java")); // arrays match any item
        Assert.Equal(0, await Total("filter=kind=component,spec.type=does-not-exist"));
        // Type, lifecycle and owner are answered from indexed columns: still case-insensitive, still exact.
        Assert.Equal(10, await Total("filter=kind=component,spec.type=SERVICE"));
        Assert.Equal(9, await Total("filter=kind=component,spec.lifecycle=Production"));
        Assert.Equal(4, await Total("filter=kind=component,spec.lifecycle=experimental&filter=kind=component,spec.lifecycle=does-not-exist"));
        Assert.Equal(3, await Total("filter=kind=component,relations.ownedby=user:default/guest"));
        Assert.Equal(5, await Total("filter=kind=component,relations.ownedby=GROUP:default/Team-A"));
        Assert.Equal(3, await Total("filter=kind=component,spec.type=service,spec.lifecycle=experimental"));
        Assert.Equal(1, await Total("filter=kind=component,spec.type=library,spec.lifecycle=experimental"));
        // One key repeated within a filter is a choice (Backstage's client sends array values this way).
        Assert.Equal(12, await Total("filter=kind=component,spec.type=service,spec.type=website"));
        Assert.Equal(23, await Total("filter=kind=component,kind=api"));
        Assert.Equal(await Total("filter=metadata.tags=java&filter=metadata.tags=go"), await Total("filter=metadata.tags=java,metadata.tags=go"));
        Assert.Equal(8, await Total("filter=kind=component,relations.ownedby=user:default/guest,relations.ownedby=group:default/team-a"));
        Assert.Equal(18, await Total("filter=relations.ownedby=group:default/team-a,relations.ownedby=user:default/guest"));
        Assert.Equal(await Total("filter=relations.ownedby=group:default/team-a,relations.partof=system:default/artist-engagement-portal"),
            await Total("filter=relations.partof=system:default/artist-engagement-portal,relations.ownedby=group:default/team-a"));
        Assert.Equal(2, await Total("filter=relations.ownerof=component:default/artist-lookup,relations.ownerof=component:default/playback-order,relations.ownerof=x:y/z"));
        Assert.Equal(8, await Total("filter=kind=component,relations.ownedby=group:default/team-a,relations.ownedby=user:default/guest"));
        // Different keys stay AND: team-a's components owned by the guest are none, so only the second filter matches.
        Assert.Equal(3, await Total("filter=kind=component,spec.owner=team-a,relations.ownedby=user:default/guest&filter=kind=component,relations.ownedby=user:default/guest"));

        var bad = await admin.GetAsync(new Uri("/api/catalog/entities?filter=relations.ownz=x", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("Unknown relation type", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // U+0000 cannot be stored in PostgreSQL text: a clear 400 wherever it comes in, never a database error.
        foreach (var query in new[] { "entities?fullText=a%00b", "entities?filter=kind=comp%00onent", "facets?facet=kind&fullText=%00",
                     "entities/by-query?orderField=metadata.name%00,asc" })
        {
            var nul = await admin.GetAsync(new Uri("/api/catalog/" + query, UriKind.Relative));
            Assert.True(nul.StatusCode == HttpStatusCode.BadRequest, $"{query}: {nul.StatusCode}");
            Assert.Contains("NUL character", await nul.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Backstage_paths_and_parameter_names_answer_too()
    {
        using var admin = factory.AdminClient();

        var byQuery = await admin.GetFromJsonAsync<JsonObject>("/api/catalog/entities/by-query?filter=kind=api&fullTextFilterTerm=petstore&orderField=metadata.name,asc");
        var facets = await admin.GetFromJsonAsync<JsonObject>("/api/catalog/entity-facets?facet=spec.type&filter=kind=api");

        Assert.Equal(["petstore", "petstore-webhook"], byQuery!["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()).Order());
        var types = facets!["facets"]!["spec.type"]!.AsArray().ToDictionary(f => f!["value"]!.GetValue<string>(), f => f!["count"]!.GetValue<int>());
        Assert.Equal(5, types["openapi"]);
        Assert.Equal(1, types["graphql"]);

        // The owner picker's facet (refs, from the owner column) and tags (from an unnest query of its own).
        var components = await admin.GetFromJsonAsync<JsonObject>("/api/catalog/entity-facets?facet=relations.ownedBy&facet=metadata.tags&filter=kind=component");
        var owners = components!["facets"]!["relations.ownedBy"]!.AsArray().ToDictionary(f => f!["value"]!.GetValue<string>(), f => f!["count"]!.GetValue<int>());
        Assert.Equal(new Dictionary<string, int>
        {
            ["group:default/team-a"] = 5, ["user:default/guest"] = 3, ["group:default/team-b"] = 2, ["group:default/team-c"] = 2, ["group:default/team-d"] = 1,
        }, owners);
        var tags = components["facets"]!["metadata.tags"]!.AsArray().Select(f => (f!["value"]!.GetValue<string>(), f["count"]!.GetValue<int>())).ToList();
        Assert.Contains(("java", 3), tags);
        Assert.Equal(tags.OrderByDescending(t => t.Item2).ThenBy(t => t.Item1, StringComparer.Ordinal), tags);
    }

    [Fact]
    public async Task Full_text_filter_fields_match_a_substring_of_the_named_fields_only()
    {
        using var admin = factory.AdminClient();

        async Task<List<string>> Names(string query) => (await admin.GetFromJsonAsync<JsonObject>("/api/catalog/entities/by-query?" + query + "&fields=metadata.name"))!
            ["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()).Order().ToList();

        // "video playback" is in playback-sdk's description only, never in a name.
        Assert.Equal(["playback-sdk"], await Names("fullTextFilterTerm=VIDEO%20playback&fullTextFilterFields=metadata.description"));
        Assert.Empty(await Names("fullTextFilterTerm=video%20playback&fullTextFilterFields=metadata.name"));
        // Any field, from its filter keys; several fields are alternatives.
        Assert.Equal(["playback-order", "playback-sdk"], await Names("filter=kind=component&fullTextFilterTerm=playback&fullTextFilterFields=metadata.name"));
        Assert.Equal(["artist-lookup", "www-artist"],
            await Names("filter=kind=component,spec.owner=team-a&fullTextFilterTerm=artist&fullTextFilterFields=spec.system,metadata.name"));
        // LIKE wildcards in the term are literal characters.
        Assert.Empty(await Names("fullTextFilterTerm=%25&fullTextFilterFields=metadata.name"));
    }

    [Fact]
    public async Task Full_text_search_tolerates_a_typo_in_a_name()
    {
        using var admin = factory.AdminClient();

        var exact = await admin.GetFromJsonAsync<JsonObject>("/api/catalog/entities?fullText=artist&fields=metadata.name");
        var typo = await admin.GetFromJsonAsync<JsonObject>("/api/catalog/entities?fullText=artst-lookup&fields=metadata.name");

        Assert.Contains("artist-lookup", exact!["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()));
        Assert.Contains("artist-lookup", typo!["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Cursors_page_through_everything_once_even_while_entities_change()
    {
        using var admin = factory.AdminClient();
        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await admin.GetFromJsonAsync<JsonObject>($"/api/catalog/entities?filter=kind=component&limit=4&fields=metadata.name{(cursor is null ? "" : "&cursor=" + cursor)}");
            seen.AddRange(page!["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()));
            cursor = page["pageInfo"]!["nextCursor"]?.GetValue<string>();
            if (pages++ == 0)
            {
                // A new component sorting before the cursor must not shift the following pages.
                var created = await admin.PostAsJsonAsync("/api/catalog/entities", JsonNode.Parse("""
                    {"apiVersion":"backstage.io/v1alpha1","kind":"Component","metadata":{"name":"aaa-inserted"},
                     "spec":{"type":"service","lifecycle":"experimental","owner":"team-a"}}
                    """));
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            }
        }
        while (cursor is not null);

        // Leave the shared fixture as it was for the other tests of this class.
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync(new Uri("/api/catalog/entities/by-name/component/default/aaa-inserted", UriKind.Relative))).StatusCode);
        Assert.Equal(13, seen.Count);
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Equal(seen.Order(StringComparer.Ordinal), seen);
        Assert.DoesNotContain("aaa-inserted", seen);

        // Backstage's client sends only the cursor (and limit, fields) for the next pages: the cursor carries the query.
        var first = await admin.GetFromJsonAsync<JsonObject>("/api/catalog/entities/by-query?filter=kind=component&limit=4&fields=metadata.name");
        var byCursorOnly = new List<string>(first!["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()));
        for (var next = first["pageInfo"]!["nextCursor"]?.GetValue<string>(); next is not null;)
        {
            var page = await admin.GetFromJsonAsync<JsonObject>($"/api/catalog/entities/by-query?limit=4&fields=metadata.name&cursor={next}");
            Assert.Equal(13, page!["totalItems"]!.GetValue<int>());
            byCursorOnly.AddRange(page["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()));
            next = page["pageInfo"]!["nextCursor"]?.GetValue<string>();
        }
        Assert.Equal(seen, byCursorOnly);

        var last = await admin.GetFromJsonAsync<JsonObject>("/api/catalog/entities?filter=kind=component&limit=4&orderField=metadata.name,desc&fields=metadata.name");
        Assert.Equal("www-artist", last!["items"]![0]!["metadata"]!["name"]!.GetValue<string>());
        var back = await admin.GetFromJsonAsync<JsonObject>($"/api/catalog/entities?filter=kind=component&limit=4&fields=metadata.name&cursor={last["pageInfo"]!["nextCursor"]!.GetValue<string>()}");
        Assert.NotNull(back!["pageInfo"]!["prevCursor"]);
    }

    [Fact]
    public async Task Full_text_results_page_forwards_and_back_in_the_same_order_as_one_page()
    {
        using var admin = factory.AdminClient();
        const string Query = "fullTextFilterTerm=o&fullTextFilterFields=kind&orderField=metadata.title,desc&fields=metadata.name,kind";
        static string Key(JsonNode? item) => item!["kind"]!.GetValue<string>() + ":" + item["metadata"]!["name"]!.GetValue<string>();

        var whole = await admin.GetFromJsonAsync<JsonObject>("/api/catalog/entities?limit=500&" + Query);
        var expected = whole!["items"]!.AsArray().Select(Key).ToList();
        var forward = new List<string>();
        var pages = new List<JsonObject>();
        string? cursor = null;
        do
        {
            var page = (await admin.GetFromJsonAsync<JsonObject>($"/api/catalog/entities?limit=7&{Query}{(cursor is null ? "" : "&cursor=" + cursor)}"))!;
            Assert.Equal(expected.Count, page["totalItems"]!.GetValue<int>());
            forward.AddRange(page["items"]!.AsArray().Select(Key));
            pages.Add(page);
            cursor = page["pageInfo"]!["nextCursor"]?.GetValue<string>();
        }
        while (cursor is not null);
        var previous = (await admin.GetFromJsonAsync<JsonObject>($"/api/catalog/entities?limit=7&{Query}&cursor={pages[^1]["pageInfo"]!["prevCursor"]!.GetValue<string>()}"))!;

        Assert.True(expected.Count > 20, $"the query should match many entities, matched {expected.Count}");
        Assert.Equal(expected.Count, whole["totalItems"]!.GetValue<int>());
        Assert.Equal(expected, forward);
        Assert.Equal(pages[^2]["items"]!.AsArray().Select(Key), previous["items"]!.AsArray().Select(Key));
    }

    [Fact]
    public async Task A_text_substitution_fills_the_api_definition_from_the_file_beside_the_descriptor()
    {
        using var admin = factory.AdminClient();

        var petstore = await admin.GetFromJsonAsync<JsonObject>("/api/catalog/entities/by-name/api/default/petstore");

        var definition = petstore!["spec"]!["definition"]!.GetValue<string>();
        Assert.Equal(await File.ReadAllTextAsync(CatalogTestData.File("apis/petstore.oas.yaml")), definition);
        Assert.Contains("openapi:", definition, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Entities_export_as_catalog_info_yaml_and_missing_ones_are_404()
    {
        using var admin = factory.AdminClient();

        var yaml = await admin.GetStringAsync(new Uri("/api/catalog/entities/by-name/component/default/petstore/yaml", UriKind.Relative));
        var missing = await admin.GetAsync(new Uri("/api/catalog/entities/by-name/component/default/nope", UriKind.Relative));

        Assert.Contains("kind: Component", yaml, StringComparison.Ordinal);
        Assert.Contains("name: petstore", yaml, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Registering_the_same_location_twice_is_a_conflict_and_dry_run_stores_nothing()
    {
        using var admin = factory.AdminClient();

        var again = await admin.PostAsJsonAsync("/api/catalog/locations", new { type = "file", target = CatalogTestData.File("all.yaml") });
        var dry = await admin.PostAsJsonAsync("/api/catalog/locations?dryRun=true", new { type = "file", target = CatalogTestData.File("components/petstore-component.yaml") });

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(HttpStatusCode.Created, dry.StatusCode); // as Backstage's addLocation with dryRun
        Assert.Null(dry.Headers.Location);
        var preview = await dry.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Null(preview!["location"]);
        Assert.Single(preview["entities"]!.AsArray());
        await using var db = await factory.DbAsync();
        Assert.False(await db.CatalogLocations.AnyAsync(l => l.Target.EndsWith("petstore-component.yaml")));
    }

    [Fact]
    public async Task The_invalid_example_is_rejected_with_a_readable_error()
    {
        using var admin = factory.AdminClient();

        var response = await admin.PostAsJsonAsync("/api/catalog/locations?dryRun=true", new { type = "file", target = CatalogTestData.File("invalid/invalid-component.yaml") });

        var preview = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Empty(preview!["entities"]!.AsArray());
        var message = preview["problems"]!.AsArray().Single()!["message"]!.GetValue<string>();
        Assert.Contains("metadata.name", message, StringComparison.Ordinal);
        Assert.Contains("invalid component", message, StringComparison.Ordinal);
        Assert.Contains("go 1.15.3", message, StringComparison.Ordinal);
    }
}
