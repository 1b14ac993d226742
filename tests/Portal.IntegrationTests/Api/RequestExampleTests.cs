using Portal.TestSupport;
using Portal.Web.Features.Demo;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Portal.IntegrationTests.Api;

/// <summary>
/// The document's request examples are the bodies people copy first (and "Try it" sends): each one, taken from the
/// served document, is accepted by the running portal with the demo organisation loaded.
/// </summary>
public sealed class RequestExampleTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        factory.Settings["Portal:Templates:RegisterBuiltIns"] = "true";
        using var admin = factory.AdminClient();
        // The built-in templates register in the background at start-up; then the demo organisation as a location.
        await Wait.UntilAsync(async () => (await admin.GetAsync(new Uri("/api/templates/default/aspnet-service", UriKind.Relative))).IsSuccessStatusCode,
            TimeSpan.FromSeconds(60), "the built-in template is registered");
        await Portal.IntegrationTests.Templates.TemplateKit.RegisterAsync(admin, DemoOrganisation.WriteFiles(factory.DemoFolder));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>The requests a new user of the API starts with: every one carries an example.</summary>
    private static readonly string[] MainRequests =
    [
        "CreateToken", "ValidateEntity", "UpsertEntity", "RequestEnvironment", "CreateSlo", "DryRunTemplate", "CreateScaffolderTask",
        "PostBuild", "PostDeployment", "SetBudget",
    ];

    [Fact]
    public async Task Every_main_request_has_an_example_in_the_document_and_the_running_portal_accepts_it()
    {
        using var admin = factory.AdminClient();
        var document = JsonNode.Parse(await admin.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)))!.AsObject();
        var operations = document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Select(op => (Path: path.Key, Method: op.Key, Operation: op.Value as JsonObject)))
            .Where(o => o.Operation?["operationId"] is not null)
            .ToDictionary(o => (string)o.Operation!["operationId"]!);

        var failures = new List<string>();
        foreach (var id in MainRequests)
        {
            Assert.True(operations.TryGetValue(id, out var op), $"{id} is not in the document");
            var example = op.Operation!["requestBody"]?["content"]?["application/json"]?["example"];
            if (example is null)
            {
                failures.Add($"{id}: no example");
                continue;
            }
            // Path parameters of the examples' operations: the demo's built-in template.
            var path = op.Path.Replace("{ns}", "default", StringComparison.Ordinal).Replace("{name}", "aspnet-service", StringComparison.Ordinal);
            using var request = new HttpRequestMessage(new HttpMethod(op.Method.ToUpperInvariant()), path)
            {
                Content = new StringContent(example.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
            };
            using var response = await admin.SendAsync(request);
            if (!response.IsSuccessStatusCode)
            {
                failures.Add($"{id} ({op.Method.ToUpperInvariant()} {path}): {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }
}
