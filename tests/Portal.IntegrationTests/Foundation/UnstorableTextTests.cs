using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.IntegrationTests.Catalog;
using static Portal.IntegrationTests.Catalog.CatalogFolder;
using Portal.Web.Features.Catalog;

namespace Portal.IntegrationTests.Foundation;

/// <summary>
/// Text PostgreSQL cannot hold (a NUL, an unpaired surrogate): a 400 from every JSON API, a problem on the one entity
/// or document in a file, and the rest imports; never a 500, never a location blocked by one bad descriptor.
/// </summary>
public sealed class UnstorableTextTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IDisposable
{
    private readonly CatalogFolder _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task A_NUL_in_one_descriptor_of_a_shared_location_is_a_problem_on_that_entity_and_the_others_import()
    {
        var file = _files.Write("shared/catalog-info.yaml", string.Join("\n---\n",
            Component("text-good-a"),
            Component("text-bad-nul").Replace("  name: text-bad-nul\n", "  name: text-bad-nul\n  description: \"before\\0after\"\n", StringComparison.Ordinal),
            Component("text-good-b"),
            // YAML itself refuses a lone surrogate (the reader stops there), so this one comes last.
            Component("text-bad-surrogate").Replace("  name: text-bad-surrogate\n", "  name: text-bad-surrogate\n  description: \"half \\uD800 a pair\"\n", StringComparison.Ordinal)));
        using var admin = factory.AdminClient();

        var response = await admin.PostAsJsonAsync("/api/catalog/locations", new { type = "file", target = file });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var location = (await response.Content.ReadFromJsonAsync<JsonObject>())!["location"]!;
        Assert.Equal("warnings", location["status"]!.GetValue<string>());
        var problems = location["errors"]!.AsArray();
        Assert.True(problems.Any(p => p!["entityRef"]?.GetValue<string>() == "component:default/text-bad-nul"
            && p["message"]!.GetValue<string>().Contains("metadata.description contains a NUL character", StringComparison.Ordinal)), problems.ToJsonString());
        Assert.True(problems.Any(p => p!["message"]!.GetValue<string>().Contains("invalid Unicode surrogates", StringComparison.Ordinal)), problems.ToJsonString());
        foreach (var (name, expected) in new[] { ("text-good-a", HttpStatusCode.OK), ("text-good-b", HttpStatusCode.OK),
            ("text-bad-nul", HttpStatusCode.NotFound), ("text-bad-surrogate", HttpStatusCode.NotFound) })
        {
            Assert.Equal(expected, (await admin.GetAsync(new Uri($"/api/catalog/entities/by-name/component/default/{name}", UriKind.Relative))).StatusCode);
        }
        // The location's stored problems read back (they were stored, not a 500).
        var id = location["id"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync(new Uri($"/api/catalog/locations/{id}/refresh", UriKind.Relative), null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(new Uri($"/api/catalog/locations/{id}", UriKind.Relative))).StatusCode);
    }

    [Theory]
    [InlineData("\\u0000", "a NUL character")]
    [InlineData("\\ud800", "unpaired surrogate")]
    public async Task A_member_posting_an_entity_with_unstorable_text_gets_a_400_and_nothing_is_stored(string escaped, string expected)
    {
        var (_, token) = await factory.UserWithTokenAsync("text.member");
        using var member = factory.ClientWithToken(token);
        await using var before = await factory.DbAsync();
        var count = await before.CatalogEntities.CountAsync();
        var body = $$$"""
            {"apiVersion": "backstage.io/v1alpha1", "kind": "Component",
             "metadata": {"name": "posted-bad-text", "description": "x{{{escaped}}}y"},
             "spec": {"type": "service", "lifecycle": "production", "owner": "team-x"}}
            """;

        var response = await member.PostAsync(new Uri("/api/catalog/entities", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Contains("'description'", problem!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains(expected, problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        await using var after = await factory.DbAsync();
        Assert.Equal(count, await after.CatalogEntities.CountAsync());
        Assert.False(await after.CatalogEntities.AnyAsync(e => e.Name == "posted-bad-text"));
    }

    /// <summary>Every API that takes JSON goes through the same guard: what it would store never reaches PostgreSQL.</summary>
    [Theory]
    [InlineData("POST", "/api/catalog/entities")]
    [InlineData("POST", "/api/catalog/validate")]
    [InlineData("POST", "/api/catalog/locations")]
    [InlineData("POST", "/api/environments")]
    [InlineData("PUT", "/api/environments/policy")]
    [InlineData("POST", "/api/slos")]
    [InlineData("PUT", "/api/cost/rules")]
    [InlineData("PUT", "/api/cost/budgets")]
    [InlineData("POST", "/api/scaffolder/tasks")]
    [InlineData("POST", "/api/templates/default/any/dry-run")]
    [InlineData("POST", "/api/identity/tokens")]
    public async Task Every_json_api_answers_unstorable_text_with_a_400(string method, string url)
    {
        using var admin = factory.AdminClient();
        foreach (var escaped in new[] { "\\u0000", "\\ud800", "\\udc00x" })
        {
            var body = $$"""{"name": "n{{escaped}}", "values": {"x": "y"}, "yaml": "a: b", "comment": "c"}""";

            var response = await admin.SendAsync(new HttpRequestMessage(new HttpMethod(method), new Uri(url, UriKind.Relative))
            {
                Content = new StringContent(body, Encoding.UTF8, "application/json"),
            });

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("cannot be stored", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_openslo_import_with_a_NUL_refuses_that_document_only()
    {
        using var admin = factory.AdminClient();
        const string yaml = """
            apiVersion: openslo/v1
            kind: SLO
            metadata: {name: bad-service, displayName: "Refunds\0succeed"}
            spec:
              service: "refund\0service"
              indicator:
                metadata: {name: refund-errors}
                spec:
                  ratioMetric:
                    counter: true
                    bad: {metricSource: {type: otlp, spec: {metric: http.server.request.duration, service: refund-service, filter: 'http.response.status_code >= 500'}}}
                    total: {metricSource: {type: otlp, spec: {metric: http.server.request.duration, service: refund-service}}}
              timeWindow: [{duration: 30d, isRolling: true}]
              budgetingMethod: Occurrences
              objectives: [{target: 0.9995}]
            ---
            apiVersion: openslo/v1
            kind: Service
            metadata:
              name: fine
            """;

        var response = await admin.PostAsync(new Uri("/api/slos/import", UriKind.Relative), new StringContent(yaml, Encoding.UTF8, "application/yaml"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var results = (await response.Content.ReadFromJsonAsync<JsonArray>())!;
        Assert.Equal("error", results[0]!["status"]!.GetValue<string>());
        Assert.Contains("NUL character", results[0]!["errors"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("skipped", results[1]!["status"]!.GetValue<string>());
    }
}
