using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Portal.Web.Features.Identity;

namespace Portal.IntegrationTests.Api;

/// <summary>
/// Errors of the API are problem details whatever produced them (the token handler, authorization, routing, a lookup),
/// so a client handles one shape; and the document says so.
/// </summary>
public sealed class ApiErrorBodyTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>
{
    private static async Task<JsonObject> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(body)!.AsObject();
        Assert.Equal((int)expected, (int)problem["status"]!);
        Assert.False(string.IsNullOrWhiteSpace((string?)problem["title"]), body);
        return problem;
    }

    [Fact]
    public async Task Errors_nothing_wrote_a_body_for_come_as_problem_details_that_say_what_to_do()
    {
        using var anonymous = factory.AnonymousClient();
        var unauthorized = await ProblemAsync(await anonymous.GetAsync(new Uri("/api/catalog/entities", UriKind.Relative)), HttpStatusCode.Unauthorized);
        Assert.Contains("Authorization: Bearer", (string)unauthorized["detail"]!, StringComparison.Ordinal);

        var (_, readOnly) = await factory.UserWithTokenAsync("problem-reader", scopes: [PortalScopes.CatalogRead]);
        using var reader = factory.ClientWithToken(readOnly);
        await ProblemAsync(await reader.PostAsJsonAsync("/api/environments", new { name = "x", component = "cart-service", type = "dev", tier = "small" }),
            HttpStatusCode.Forbidden);

        using var admin = factory.AdminClient();
        await ProblemAsync(await admin.GetAsync(new Uri($"/api/environments/{Guid.NewGuid()}", UriKind.Relative)), HttpStatusCode.NotFound);
        var notAllowed = await ProblemAsync(await admin.DeleteAsync(new Uri("/api/identity/me", UriKind.Relative)), HttpStatusCode.MethodNotAllowed);
        Assert.Contains("DELETE", (string)notAllowed["detail"]!, StringComparison.Ordinal);
        await ProblemAsync(await admin.PostAsync(new Uri("/api/environments", UriKind.Relative), new StringContent("name=x", Encoding.UTF8, "text/plain")),
            HttpStatusCode.UnsupportedMediaType);

        // A body the API cannot read says where, and never echoes the caller's credentials back.
        var (_, ownToken) = await factory.UserWithTokenAsync("problem-writer");
        using var writer = factory.ClientWithToken(ownToken);
        var unreadable = await writer.PostAsync(new Uri("/api/identity/tokens", UriKind.Relative),
            new StringContent("""{"name": "ci", "kind": "Service"}""", Encoding.UTF8, "application/json"));
        var unreadableText = await unreadable.Content.ReadAsStringAsync();
        var unreadableProblem = await ProblemAsync(unreadable, HttpStatusCode.BadRequest);
        Assert.Contains("$.kind", (string)unreadableProblem["detail"]!, StringComparison.Ordinal);
        Assert.DoesNotContain(ownToken, unreadableText, StringComparison.Ordinal);

        // Bodies handlers write stay theirs: the policy's 422 keeps its field map.
        var invalid = await admin.PostAsJsonAsync("/api/environments", new { name = "", component = "cart-service", type = "dev", tier = "small" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, invalid.StatusCode);
        Assert.NotNull(JsonNode.Parse(await invalid.Content.ReadAsStringAsync())!["errors"]?["name"]);

        // The OTLP receiver is not /api: it answers as the OTLP specification says, not with a problem.
        var otlp = await anonymous.PostAsync(new Uri("/v1/metrics", UriKind.Relative), new ByteArrayContent([]) { Headers = { ContentType = new("application/x-protobuf") } });
        Assert.Equal(HttpStatusCode.Unauthorized, otlp.StatusCode);
        Assert.NotEqual("application/problem+json", otlp.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_document_describes_every_api_error_with_the_shared_problem_schema()
    {
        using var admin = factory.AdminClient();
        var document = JsonNode.Parse(await admin.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)))!.AsObject();
        var bare = new List<string>();
        foreach (var (path, item) in document["paths"]!.AsObject().Where(p => p.Key.StartsWith("/api/", StringComparison.Ordinal)))
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                foreach (var (status, response) in operation!["responses"]!.AsObject().Where(r => int.Parse(r.Key, System.Globalization.CultureInfo.InvariantCulture) >= 400))
                {
                    if (response!["content"] is not JsonObject { Count: > 0 })
                    {
                        bare.Add($"{method.ToUpperInvariant()} {path} {status}");
                    }
                }
            }
        }
        Assert.True(bare.Count == 0, "Errors without a body schema:\n" + string.Join('\n', bare));
        Assert.Equal("#/components/schemas/ProblemDetails",
            (string?)document["paths"]!["/api/catalog/entities"]!["get"]!["responses"]!["401"]!["content"]!["application/problem+json"]!["schema"]!["$ref"]);
    }
}
