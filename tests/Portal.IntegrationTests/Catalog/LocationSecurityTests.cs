using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Portal.TestSupport;
using Portal.Web.Features.Catalog;

namespace Portal.IntegrationTests.Catalog;

/// <summary>
/// With the default (safe) settings: url locations that reach this machine are refused by the connect-time guard,
/// and git targets with credentials never store, show or echo the secret.
/// </summary>
public sealed class LocationSecurityTests : IClassFixture<PortalAppFactory>, IAsyncDisposable
{
    private const string Token = "ghp_SuperSecretToken123";
    private readonly PortalAppFactory _factory;
    private readonly HttpsTestServer _server;

    public LocationSecurityTests(PortalAppFactory factory)
    {
        _factory = factory;
        // A real server is listening on loopback: the refusal must come from the guard, not from a closed port.
        _server = new HttpsTestServer(new Dictionary<string, Func<Microsoft.AspNetCore.Http.HttpContext, Task>>
        {
            ["/catalog-info.yaml"] = HttpsTestServer.Text("apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: sneaky\nspec:\n  type: team\n  children: []\n"),
        });
        string[] hosts = ["localhost", "[::1]", "0.0.0.0", "[::ffff:127.0.0.1]", "::ffff:127.0.0.1", "2130706433", "127.0.0.1"];
        for (var i = 0; i < hosts.Length; i++)
        {
            factory.Settings[$"Portal:Catalog:AllowedUrlHosts:{i}"] = hosts[i];
        }
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Theory]
    [InlineData("localhost")]
    [InlineData("[::1]")]
    [InlineData("0.0.0.0")]
    [InlineData("[::ffff:127.0.0.1]")]
    [InlineData("2130706433")]
    public async Task A_url_location_that_resolves_to_this_machine_is_refused_with_a_readable_reason(string host)
    {
        using var admin = _factory.AdminClient();

        var response = await admin.PostAsJsonAsync("/api/catalog/locations", new { type = "url", target = $"https://{host}:{_server.Port}/catalog-info.yaml" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("resolves to", text, StringComparison.Ordinal);
        Assert.Contains("non-public address", text, StringComparison.Ordinal);
        Assert.DoesNotContain("sneaky", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_git_target_with_a_token_is_refused_and_the_token_appears_nowhere()
    {
        using var admin = _factory.AdminClient();
        var target = $"https://bot:{Token}@git.example.com/org/repo.git";

        var registered = await admin.PostAsJsonAsync("/api/catalog/locations", new { type = "git", target });
        var dryRun = await admin.PostAsJsonAsync("/api/catalog/locations?dryRun=true", new { type = "git", target });

        foreach (var response in new[] { registered, dryRun })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var text = await response.Content.ReadAsStringAsync();
            Assert.DoesNotContain(Token, text, StringComparison.Ordinal);
            Assert.Contains("https://bot:***@git.example.com/org/repo.git", text, StringComparison.Ordinal);
            Assert.Contains("Portal:Catalog:GitCredentials", text, StringComparison.Ordinal);
        }
        var locations = await admin.GetStringAsync("/api/catalog/locations");
        Assert.DoesNotContain(Token, locations, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_location_stored_with_a_token_before_they_were_refused_is_shown_and_refreshed_without_it()
    {
        await using (var db = await _factory.DbAsync())
        {
            db.CatalogLocations.Add(new CatalogLocation { Type = "git", Target = $"https://{Token}@git.example.com/legacy.git", CreatedBy = "legacy" });
            await db.SaveChangesAsync();
        }
        using var admin = _factory.AdminClient();
        var listed = (await admin.GetFromJsonAsync<JsonArray>("/api/catalog/locations"))!
            .Single(l => l!["target"]!.GetValue<string>().EndsWith("/legacy.git", StringComparison.Ordinal))!;
        Assert.Equal("https://***@git.example.com/legacy.git", listed["target"]!.GetValue<string>());

        var refreshed = await admin.PostAsync(new Uri($"/api/catalog/locations/{listed["id"]!.GetValue<string>()}/refresh", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        var body = await refreshed.Content.ReadAsStringAsync();
        Assert.DoesNotContain(Token, body, StringComparison.Ordinal);
        var errors = JsonDocument.Parse(body).RootElement.GetProperty("errors");
        Assert.Contains("Portal:Catalog:GitCredentials", errors.GetRawText(), StringComparison.Ordinal);
        Assert.Equal("failed", JsonDocument.Parse(body).RootElement.GetProperty("status").GetString());
    }
}
