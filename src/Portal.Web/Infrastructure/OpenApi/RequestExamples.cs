using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Portal.Web.Infrastructure.OpenApi;

/// <summary>
/// Example bodies for the requests people write first, keyed by operation id. They name the demo organisation's
/// components and teams, so "Try it" on the API reference works as shown on a fresh portal, and a test sends each one.
/// </summary>
public sealed class RequestExamples : IOpenApiOperationTransformer
{
    public static readonly IReadOnlyDictionary<string, string> ByOperationId = new Dictionary<string, string>
    {
        ["CreateToken"] = """
            {"name": "ci-deploy-cart", "kind": 1, "scopes": ["delivery:write"], "services": ["cart-service"], "expiresInDays": 90}
            """,
        ["UpsertEntity"] = """
            {"apiVersion": "backstage.io/v1alpha1", "kind": "Component",
             "metadata": {"name": "basket-api", "description": "Keeps shoppers' baskets between visits.", "tags": ["dotnet"],
                          "links": [{"url": "https://runbooks.example.com/basket-api", "title": "Runbook"}]},
             "spec": {"type": "service", "lifecycle": "experimental", "owner": "group:default/checkout", "system": "checkout"}}
            """,
        ["ValidateEntity"] = """
            {"apiVersion": "backstage.io/v1alpha1", "kind": "Component",
             "metadata": {"name": "basket-api"},
             "spec": {"type": "service", "lifecycle": "experimental", "owner": "group:default/checkout"}}
            """,
        ["RequestEnvironment"] = """
            {"name": "cart-preview", "component": "cart-service", "type": "dev", "tier": "small", "ttl": "1d"}
            """,
        ["CreateSlo"] = """
            {"name": "cart-availability", "component": "component:default/cart-service", "indicator": "availability", "target": 0.999,
             "window": {"kind": "rolling", "days": 28}}
            """,
        ["CreateScaffolderTask"] = """
            {"templateRef": "template:default/aspnet-service", "values": {"name": "basket-service", "owner": "group:default/checkout"}}
            """,
        ["DryRunTemplate"] = """
            {"values": {"name": "basket-service", "owner": "group:default/checkout"}}
            """,
        ["PostBuild"] = """
            {"component": "cart-service", "pipeline": "ci", "runId": "4711", "commitSha": "9fceb02d0ae598e95dc970b74767f19372d61af8",
             "branch": "main", "status": "succeeded", "startedAt": "2026-12-01T09:00:00Z", "finishedAt": "2026-12-01T09:06:30Z",
             "url": "https://ci.example.com/cart-service/runs/4711"}
            """,
        ["PostDeployment"] = """
            {"component": "cart-service", "environment": "production", "runId": "deploy-4711", "version": "1.42.0",
             "commits": [{"sha": "9fceb02d0ae598e95dc970b74767f19372d61af8", "committedAt": "2026-12-01T08:12:00Z"}],
             "status": "succeeded", "startedAt": "2026-12-01T09:10:00Z", "finishedAt": "2026-12-01T09:14:00Z",
             "url": "https://ci.example.com/cart-service/runs/4711", "deployedBy": "jane"}
            """,
        ["SetBudget"] = """
            {"team": "checkout", "monthlyAmount": 12000, "thresholds": [80, 100], "currency": "USD"}
            """,
    };

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (operation.OperationId is { } id && ByOperationId.TryGetValue(id, out var example)
            && operation.RequestBody?.Content is { } content && content.TryGetValue("application/json", out var json))
        {
            json.Example = JsonNode.Parse(example);
        }
        return Task.CompletedTask;
    }
}
