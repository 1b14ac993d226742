using System.Text.Json.Nodes;
using Portal.Web.Features.Templates.PortalApi;

namespace Portal.Tests.Templates;

/// <summary>What http:backstage:request and SelectFieldFromApi may call: the portal's own API and nothing that leaves it.</summary>
public sealed class PortalApiPathTests
{
    [Theory]
    [InlineData("/api/catalog/entities", "/api/catalog/entities", "")]
    [InlineData("/catalog/entities?filter=kind=component", "/api/catalog/entities", "filter=kind=component")]
    [InlineData("catalog/entity-facets", "/api/catalog/entity-facets", "")]
    [InlineData("/api/catalog/entities/by-name/component/default/payment%20gateway", "/api/catalog/entities/by-name/component/default/payment gateway", "")]
    public void A_path_of_the_portals_API_is_kept_and_Backstages_plugin_relative_form_is_put_under_api(string raw, string path, string query)
    {
        var parsed = PortalApiPath.Parse(raw, out var error);

        Assert.Null(error);
        Assert.Equal((path, query), parsed);
    }

    [Theory]
    [InlineData("https://evil.example/api/x", "never a URL or another host")]
    [InlineData("http://localhost:5000/api/identity/audit", "never a URL or another host")]
    [InlineData("//evil.example/api/x", "never a URL or another host")]
    [InlineData("/api/../admin", "contains '.' or '..'")]
    [InlineData("/api/%2e%2e/identity/audit", "contains '.' or '..'")]
    [InlineData("/api/%252e%252e/identity/audit", "contains '.' or '..'")]
    [InlineData("/api/catalog/%2E/entities", "contains '.' or '..'")]
    [InlineData("/api/x%2F%2Fevil", "an empty segment")]
    [InlineData("/api\\..\\x", "never a URL or another host")]
    [InlineData("/api/x%5c..%5cy", "encoded backslash")]
    [InlineData("/api/x y", "spaces or control characters")]
    [InlineData("/api/x\r\nHost: evil", "spaces or control characters")]
    [InlineData("/api/x%0d%0aHost:%20evil", "control character")]
    [InlineData("/api/x#frag", "'#'")]
    [InlineData("", "the path is empty")]
    public void Urls_protocol_relative_paths_dot_segments_in_any_encoding_and_control_characters_are_refused_with_the_reason(string raw, string reason)
    {
        var parsed = PortalApiPath.Parse(raw, out var error);

        Assert.Null(parsed);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_path_encoded_over_and_over_is_refused()
    {
        Assert.Null(PortalApiPath.Parse("/api/%2525252e", out var error));
        Assert.Contains("more than three times", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Authorization", "Bearer ptk_admin")]
    [InlineData("authorization", "Basic YWRtaW4=")]
    [InlineData("Cookie", "portal.auth=x")]
    [InlineData("Host", "evil.example")]
    [InlineData("X-Forwarded-Host", "evil.example")]
    [InlineData("X-Forwarded-For", "10.0.0.1")]
    [InlineData("Origin", "https://evil.example")]
    [InlineData("Proxy-Authorization", "x")]
    public void Headers_that_carry_identity_or_routing_are_refused(string name, string value)
    {
        Assert.Contains("cannot be set", PortalApiPath.HeaderProblem(name, value), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("X-Test", "a\r\nAuthorization: Bearer x", "line break")]
    [InlineData("X-Test", "a\nb", "line break")]
    [InlineData("X Test", "a", "not a valid header name")]
    [InlineData("X-Test:", "a", "not a valid header name")]
    public void Header_injection_is_refused(string name, string value, string reason)
    {
        Assert.Contains(reason, PortalApiPath.HeaderProblem(name, value), StringComparison.Ordinal);
    }

    [Fact]
    public void Ordinary_headers_pass()
    {
        Assert.Null(PortalApiPath.HeaderProblem("Accept", "application/json"));
        Assert.Null(PortalApiPath.HeaderProblem("X-Request-Note", "from a template"));
    }

    [Fact]
    public void Params_are_encoded_and_appended_with_lists_repeated()
    {
        var query = PortalApiPath.Query("a=1", new JsonObject { ["facet"] = "kind", ["filter"] = new JsonArray("kind=component", "spec.type=service"), ["limit"] = 5 }, out var error);

        Assert.Null(error);
        Assert.Equal("a=1&facet=kind&filter=kind%3Dcomponent&filter=spec.type%3Dservice&limit=5", query);
    }

    [Fact]
    public void An_object_as_a_param_is_refused()
    {
        PortalApiPath.Query("", new JsonObject { ["x"] = new JsonObject { ["y"] = 1 } }, out var error);

        Assert.Equal("the parameter 'x' must be a string, number, boolean or list of them.", error);
    }
}
