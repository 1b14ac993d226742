using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Portal.Web.Infrastructure.OpenApi;

namespace Portal.IntegrationTests.Api;

/// <summary>The OpenAPI document against the endpoints the running app really has: nothing missing, nothing undescribed.</summary>
public sealed class OpenApiDocumentTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>
{
    private async Task<JsonObject> DocumentAsync()
    {
        using var admin = factory.AdminClient();
        return JsonNode.Parse(await admin.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)))!.AsObject();
    }

    /// <summary>Minimal-API endpoints (a handler method and HTTP methods): the API routes. Pages, static files, health and gRPC are not.</summary>
    private List<RouteEndpoint> ApiEndpoints()
    {
        _ = factory.Server;
        return [.. factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<MethodInfo>() is not null && e.Metadata.GetMetadata<IHttpMethodMetadata>() is not null)
            .Where(e => !e.RoutePattern.RawText!.StartsWith("/openapi/", StringComparison.Ordinal))];
    }

    private static string DocumentPath(RouteEndpoint endpoint)
    {
        var path = System.Text.RegularExpressions.Regex.Replace(endpoint.RoutePattern.RawText!, @"\{([^}:=?]+)[^}]*\}", "{$1}");
        return "/" + path.Trim('/');
    }

    [Fact]
    public async Task Every_API_endpoint_is_in_the_document_with_a_summary_security_and_a_response_schema_per_status()
    {
        var document = await DocumentAsync();
        var paths = document["paths"]!.AsObject();
        var schemes = document["components"]!["securitySchemes"]!.AsObject();
        var problems = new List<string>();
        var operationIds = new List<string>();
        var described = 0;

        foreach (var endpoint in ApiEndpoints())
        {
            var path = DocumentPath(endpoint);
            if (endpoint.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>()?.ExcludeFromDescription == true)
            {
                // The only endpoints left out are old addresses that tell their callers to move.
                if (endpoint.Metadata.GetMetadata<DeprecationNotice>() is null)
                {
                    problems.Add($"{path} is left out of the document but is not a deprecated alias");
                }
                continue;
            }
            foreach (var method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods)
            {
                var name = $"{method} {path}";
                if (paths[path]?[method.ToLowerInvariant()] is not JsonObject operation)
                {
                    problems.Add($"{name} is not in the document");
                    continue;
                }
                described++;
                if (string.IsNullOrWhiteSpace((string?)operation["summary"]))
                {
                    problems.Add($"{name} has no summary");
                }
                if (string.IsNullOrWhiteSpace((string?)operation["description"]))
                {
                    problems.Add($"{name} has no description");
                }
                if ((string?)operation["operationId"] is { Length: > 0 } id)
                {
                    operationIds.Add(id);
                }
                else
                {
                    problems.Add($"{name} has no operationId");
                }
                CheckSecurity(endpoint, name, operation, schemes, problems);
                CheckResponses(endpoint, name, operation, problems);
            }
        }

        Assert.True(described > 60, $"only {described} operations were checked");
        problems.AddRange(operationIds.GroupBy(i => i, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => $"operationId {g.Key} is used {g.Count()} times"));
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    private static void CheckSecurity(RouteEndpoint endpoint, string name, JsonObject operation, JsonObject schemes, List<string> problems)
    {
        if (operation["security"] is not JsonArray { Count: > 0 } security)
        {
            problems.Add($"{name} states no security requirement");
            return;
        }
        var anonymous = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
        if (anonymous)
        {
            if (security.Any(r => r!.AsObject().Count > 0))
            {
                problems.Add($"{name} is anonymous but its document asks for credentials");
            }
            return;
        }
        if (security.Any(r => r!.AsObject().Count == 0))
        {
            problems.Add($"{name} needs credentials but its document allows anonymous callers");
        }
        foreach (var scheme in security.SelectMany(r => r!.AsObject().Select(p => p.Key)))
        {
            if (!schemes.ContainsKey(scheme))
            {
                problems.Add($"{name} names the undeclared security scheme {scheme}");
            }
        }
        foreach (var status in new[] { "401", "403" })
        {
            if (operation["responses"]?[status] is null)
            {
                problems.Add($"{name} needs credentials but does not describe {status}");
            }
        }
    }

    private static void CheckResponses(RouteEndpoint endpoint, string name, JsonObject operation, List<string> problems)
    {
        var declared = endpoint.Metadata.OfType<IProducesResponseTypeMetadata>().ToList();
        if (!declared.Any(d => d.StatusCode is >= 200 and < 400))
        {
            problems.Add($"{name} declares no success response (a handler returning IResult needs .Produces)");
        }
        var returnType = endpoint.Metadata.GetMetadata<MethodInfo>()!.ReturnType;
        if (ResultTypes(returnType).Contains(typeof(ProblemHttpResult)) && !declared.Any(d => d.StatusCode >= 400 && IsProblem(d.Type)))
        {
            problems.Add($"{name} can answer a problem (ProblemHttpResult) but declares no .ProducesProblem status");
        }
        foreach (var response in declared)
        {
            var status = response.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (operation["responses"]?[status] is not JsonObject described)
            {
                problems.Add($"{name} answers {status} but the document does not describe it");
                continue;
            }
            if (response.Type is null || response.Type == typeof(void) || typeof(IResult).IsAssignableFrom(response.Type))
            {
                continue; // no body
            }
            if (described["content"] is not JsonObject { Count: > 0 } content || content.Any(c => c.Value?["schema"] is null))
            {
                problems.Add($"{name} answers {status} with a {response.Type.Name} body but the document gives it no schema");
                continue;
            }
            if (IsProblem(response.Type))
            {
                var expected = typeof(HttpValidationProblemDetails).IsAssignableFrom(response.Type) ? "ValidationProblemDetails" : "ProblemDetails";
                if (content.Any(c => (string?)c.Value!["schema"]!["$ref"] != $"#/components/schemas/{expected}"))
                {
                    problems.Add($"{name} answers {status} with a problem that does not use the shared {expected} schema");
                }
            }
        }
    }

    private static bool IsProblem(Type? type) => type is not null && typeof(Microsoft.AspNetCore.Mvc.ProblemDetails).IsAssignableFrom(type);

    /// <summary>The result types a handler can return: Task&lt;Results&lt;A, B&gt;&gt; gives A and B.</summary>
    private static Type[] ResultTypes(Type type)
    {
        if (type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(Task<>) || type.GetGenericTypeDefinition() == typeof(ValueTask<>)))
        {
            type = type.GetGenericArguments()[0];
        }
        return type.IsGenericType && type.Name.StartsWith("Results`", StringComparison.Ordinal) ? type.GetGenericArguments() : [type];
    }

    [Fact]
    public async Task Clients_learn_which_token_scopes_each_operation_needs()
    {
        var paths = (await DocumentAsync())["paths"]!;

        Assert.Equal("""[{"bearerToken":["catalog:read","catalog:write"]},{"sessionCookie":[]}]""", paths["/api/catalog/entities"]!["post"]!["security"]!.ToJsonString());
        Assert.Equal("""[{"bearerToken":["catalog:read"]},{"bearerToken":["environments:write"]},{"sessionCookie":[]}]""",
            paths["/api/environments"]!["get"]!["security"]!.ToJsonString());
        // Metrics come from services with a token, never with a person's session.
        Assert.Equal("""[{"bearerToken":["slo:ingest"]}]""", paths["/v1/metrics"]!["post"]!["security"]!.ToJsonString());
        Assert.Equal("""[{"bearerToken":["admin"]},{"sessionCookie":[]}]""", paths["/api/identity/users"]!["get"]!["security"]!.ToJsonString());
        Assert.Equal("[{}]", paths["/account/sign-in"]!["post"]!["security"]!.ToJsonString());
    }

    [Fact]
    public async Task Paging_and_filters_are_described_once_and_referenced()
    {
        var document = await DocumentAsync();
        var parameters = document["paths"]!["/api/catalog/entities"]!["get"]!["parameters"]!.AsArray();
        foreach (var shared in new[] { "cursor", "limit", "filter", "fullText", "fields" })
        {
            Assert.Contains(parameters, p => (string?)p!["$ref"] == $"#/components/parameters/{shared}");
            Assert.False(string.IsNullOrWhiteSpace((string?)document["components"]!["parameters"]![shared]!["description"]), shared);
        }
        // No operation repeats a shared parameter inline.
        var inline = document["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject().Select(o => (Path: p.Key, Operation: o.Value)))
            .SelectMany(o => (o.Operation?["parameters"] as JsonArray ?? []).Select(p => (o.Path, Name: (string?)p!["name"])))
            .Where(p => p.Name is "cursor" or "filter" or "team" or "component").ToList();
        Assert.Empty(inline);
    }

    [Fact]
    public async Task The_OTLP_receiver_is_described_with_its_content_types()
    {
        var operation = (await DocumentAsync())["paths"]!["/v1/metrics"]!["post"]!;

        Assert.Equal(["application/x-protobuf", "application/json"], operation["requestBody"]!["content"]!.AsObject().Select(c => c.Key));
        Assert.Equal(["application/x-protobuf", "application/json"], operation["responses"]!["200"]!["content"]!.AsObject().Select(c => c.Key));
        Assert.Equal("#/components/schemas/Status", (string?)operation["responses"]!["400"]!["content"]!["application/json"]!["schema"]!["$ref"]);
    }
}
