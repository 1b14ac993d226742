using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Portal.TestSupport;

namespace Portal.IntegrationTests.Catalog;

/// <summary>
/// url locations against a real HTTPS server on this machine. Loopback is allowed here through the operator's escape
/// hatch (AllowPrivateNetworkUrls) and the server's self-signed certificate is trusted by thumbprint: the only two
/// things that differ from production. Everything else (the connect callback, allow-list, redirects, size limit) is real.
/// </summary>
public sealed class UrlLocationTests : IClassFixture<PortalAppFactory>, IAsyncDisposable
{
    private const string OpenApi = "openapi: 3.0.0\ninfo:\n  title: Petstore\n  version: 1.0.0\npaths: {}\n";
    private readonly PortalAppFactory _factory;
    private readonly HttpsTestServer _server;

    public UrlLocationTests(PortalAppFactory factory)
    {
        _factory = factory;
        var big = new string('x', 80 * 1024);
        _server = new HttpsTestServer(new Dictionary<string, Func<HttpContext, Task>>
        {
            ["/team/catalog-info.yaml"] = context => context.Response.WriteAsync("""
                apiVersion: backstage.io/v1alpha1
                kind: API
                metadata:
                  name: url-petstore
                spec:
                  type: openapi
                  lifecycle: production
                  owner: team-x
                  definition:
                    $text: ./openapi.yaml
                ---
                apiVersion: backstage.io/v1alpha1
                kind: Component
                metadata:
                  name: url-shop
                spec:
                  type: service
                  lifecycle: production
                  owner: team-x
                  runbook:
                    $yaml: ../shared/runbook.yaml
                  limits:
                    $json: SELF/shared/limits.json
                  moved:
                    $text: ./moved.txt
                  huge:
                    $text: ./huge.txt
                  elsewhere:
                    $text: https://127.0.0.1:1/secret.txt
                """.Replace("SELF", $"https://{context.Request.Host}", StringComparison.Ordinal)),
            ["/team/openapi.yaml"] = HttpsTestServer.Text(OpenApi),
            ["/shared/runbook.yaml"] = HttpsTestServer.Text("steps:\n  - restart\n"),
            ["/shared/limits.json"] = HttpsTestServer.Text("""{"rps": 100}"""),
            ["/team/moved.txt"] = HttpsTestServer.Redirect("http://localhost:1/plain.txt"),
            ["/team/huge.txt"] = HttpsTestServer.Text(big),
            ["/hop/catalog-info.yaml"] = HttpsTestServer.Redirect("/team/catalog-info.yaml"),
            ["/org/all.yaml"] = HttpsTestServer.Text("""
                apiVersion: backstage.io/v1alpha1
                kind: Location
                metadata:
                  name: org-all
                spec:
                  targets: [./teams.yaml, ../team/catalog-info.yaml, ./missing.yaml, http://localhost/plain.yaml]
                """),
            ["/org/teams.yaml"] = HttpsTestServer.Text("""
                apiVersion: backstage.io/v1alpha1
                kind: Group
                metadata:
                  name: team-x
                spec:
                  type: team
                  children: []
                ---
                apiVersion: backstage.io/v1alpha1
                kind: Location
                metadata:
                  name: org-back
                spec:
                  target: ./all.yaml
                """),
        });
        factory.Settings["Portal:Catalog:AllowedUrlHosts:0"] = "localhost";
        factory.Settings["Portal:Catalog:AllowPrivateNetworkUrls"] = "true";
        factory.Settings["Portal:Catalog:MaxFileBytes"] = (64 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var thumbprint = HttpsTestServer.Thumbprint;
        factory.ReplaceServices = services => services.AddHttpClient("catalog").ConfigurePrimaryHttpMessageHandler((handler, _) =>
            ((SocketsHttpHandler)handler).SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == thumbprint);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task A_url_location_follows_its_location_entities_relative_to_the_url_and_reports_loops_and_failures()
    {
        using var admin = _factory.AdminClient();
        var response = await admin.PostAsJsonAsync("/api/catalog/locations?dryRun=true", new { type = "url", target = $"{_server.Url}/org/all.yaml" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var preview = (await response.Content.ReadFromJsonAsync<JsonObject>())!;

        var names = preview["entities"]!.AsArray().Select(e => e!["metadata"]!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["org-all", "org-back", "team-x", "url-petstore", "url-shop"], names);
        var problems = preview["problems"]!.AsArray().Select(p => p!["message"]!.GetValue<string>()).ToList();
        Assert.Contains(problems, p => p.StartsWith("Location loop", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("404", StringComparison.Ordinal)); // ./missing.yaml
        Assert.Contains(problems, p => p.StartsWith("Target http://localhost/plain.yaml is not an https URL", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Substitutions_in_a_url_location_are_read_relative_to_the_files_url_and_through_the_same_guard()
    {
        using var admin = _factory.AdminClient();
        var response = await admin.PostAsJsonAsync("/api/catalog/locations?dryRun=true", new { type = "url", target = $"{_server.Url}/team/catalog-info.yaml" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var preview = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        var entities = preview["entities"]!.AsArray();

        var api = entities.Single(e => e!["metadata"]!["name"]!.GetValue<string>() == "url-petstore")!;
        Assert.Equal(OpenApi, api["spec"]!["definition"]!.GetValue<string>());
        var shop = entities.Single(e => e!["metadata"]!["name"]!.GetValue<string>() == "url-shop")!;
        Assert.Equal("restart", shop["spec"]!["runbook"]!["steps"]![0]!.GetValue<string>());
        var problems = preview["problems"]!.AsArray().Select(p => p!["message"]!.GetValue<string>()).ToList();
        Assert.Contains(problems, p => p.StartsWith("$text ./moved.txt was not read: Only https URLs are read", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("$text ./huge.txt was not read:", StringComparison.Ordinal) && p.Contains("MaxFileBytes", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("$text https://127.0.0.1:1/secret.txt was not read: The host 127.0.0.1 is not in Portal:Catalog:AllowedUrlHosts", StringComparison.Ordinal));
        Assert.Equal(100, shop["spec"]!["limits"]!["rps"]!.GetValue<int>()); // an absolute https URL on an allowed host
        Assert.Equal(3, problems.Count);
    }

    [Fact]
    public async Task An_absolute_https_substitution_on_an_allowed_host_is_fetched_and_a_redirect_on_the_same_host_is_followed_and_resolved_from()
    {
        using var admin = _factory.AdminClient();

        var response = await admin.PostAsJsonAsync("/api/catalog/locations", new { type = "url", target = $"{_server.Url}/hop/catalog-info.yaml" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var shop = await admin.GetFromJsonAsync<JsonObject>("/api/catalog/entities/by-name/component/default/url-shop");
        Assert.Equal("restart", shop!["spec"]!["runbook"]!["steps"]![0]!.GetValue<string>());
        var api = await admin.GetFromJsonAsync<JsonObject>("/api/catalog/entities/by-name/api/default/url-petstore");
        Assert.Equal(OpenApi, api!["spec"]!["definition"]!.GetValue<string>());
    }
}
