using System.Net;
using System.Text.Json.Nodes;

namespace Portal.IntegrationTests.Api;

/// <summary>Old addresses keep answering, and tell their callers to move (docs/api.md, "Deprecation").</summary>
public sealed class DeprecatedAliasTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>
{
    [Theory]
    [InlineData("/api/slo/coverage", "/api/slos/coverage")]
    [InlineData("/api/admin/audit?actor=nobody-like-this", "/api/identity/audit")]
    public async Task An_old_path_answers_like_its_successor_with_Deprecation_Sunset_and_a_link_to_the_new_path(string oldPath, string successor)
    {
        using var admin = factory.AdminClient();

        using var old = await admin.GetAsync(new Uri(oldPath, UriKind.Relative));
        using var current = await admin.GetAsync(new Uri(successor + (oldPath.Contains('?', StringComparison.Ordinal) ? oldPath[oldPath.IndexOf('?', StringComparison.Ordinal)..] : ""), UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, old.StatusCode);
        Assert.Equal(JsonNode.Parse(await current.Content.ReadAsStringAsync())!.GetType(), JsonNode.Parse(await old.Content.ReadAsStringAsync())!.GetType());
        // RFC 9745: the deprecation date as a structured-field date; RFC 8594: the sunset as an HTTP date.
        Assert.Equal("@1796515200", Assert.Single(old.Headers.GetValues("Deprecation")));
        Assert.Equal("Wed, 30 Jun 2027 00:00:00 GMT", Assert.Single(old.Headers.GetValues("Sunset")));
        Assert.Equal($"<{successor}>; rel=\"successor-version\"", Assert.Single(old.Headers.GetValues("Link")));
        Assert.False(current.Headers.Contains("Deprecation"));
        Assert.False(current.Headers.Contains("Sunset"));
    }

    [Fact]
    public async Task The_old_paths_stay_out_of_the_document()
    {
        using var admin = factory.AdminClient();
        var paths = JsonNode.Parse(await admin.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)))!["paths"]!.AsObject();

        Assert.DoesNotContain(paths, p => p.Key.StartsWith("/api/slo/", StringComparison.Ordinal) || p.Key.StartsWith("/api/admin/", StringComparison.Ordinal));
        Assert.Contains("/api/slos/coverage", paths.Select(p => p.Key));
    }
}
