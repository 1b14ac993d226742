using System.Net.Http.Json;
using System.Text.Json;
using Portal.Web.Features.Delivery;
using Portal.Web.Features.Identity;

namespace Portal.IntegrationTests.Delivery;

/// <summary>Delivery events as a CI step posts them, and what the API stored.</summary>
public static class DeliveryKit
{
    public static Task<HttpResponseMessage> PostBuildAsync(HttpClient client, object body) =>
        client.PostAsJsonAsync(new Uri("/api/delivery/builds", UriKind.Relative), body);

    public static Task<HttpResponseMessage> PostDeploymentAsync(HttpClient client, object body) =>
        client.PostAsJsonAsync(new Uri("/api/delivery/deployments", UriKind.Relative), body);

    public static async Task<List<BuildView>> BuildsAsync(HttpClient client, string component) =>
        (await client.GetFromJsonAsync<List<BuildView>>(new Uri($"/api/delivery/builds?component={component}&limit=500", UriKind.Relative), JsonSerializerOptions.Web))!;

    public static async Task<List<DeploymentView>> DeploymentsAsync(HttpClient client, string component) =>
        (await client.GetFromJsonAsync<List<DeploymentView>>(new Uri($"/api/delivery/deployments?component={component}&limit=500", UriKind.Relative), JsonSerializerOptions.Web))!;

    /// <summary>A service token an admin issues through the API (optionally limited to components), as a CI system would hold it.</summary>
    public static async Task<string> ServiceTokenAsync(PortalAppFactory factory, string name, string[] scopes, string[]? components = null)
    {
        using var admin = factory.AdminClient();
        var created = await admin.PostAsJsonAsync("/api/identity/tokens", new CreateTokenRequest(name, ApiTokenKind.Service, scopes, components, null));
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        return (await created.Content.ReadFromJsonAsync<CreatedToken>())!.Token;
    }

    /// <summary>The field names of a 400's validation problem.</summary>
    public static async Task<string[]> ProblemFieldsAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.TryGetProperty("errors", out var errors) ? [.. errors.EnumerateObject().Select(p => p.Name)] : [];
    }
}
