using Portal.Web.Components.Pages;
using Portal.Web.Features.Catalog;

namespace Portal.Tests.Shell;

/// <summary>The API reference console's request from what the reader typed.</summary>
public sealed class ApiTryRequestTests
{
    private static readonly ApiParameter[] Parameters =
    [
        new("kind", "path", true, "string", null), new("name", "path", true, "string", null), new("limit", "query", false, "integer", null),
    ];

    [Fact]
    public void Path_values_are_escaped_so_they_cannot_leave_their_segment_and_empty_query_values_are_left_out()
    {
        var url = ApiTryRequest.Url("/api/catalog/entities/{kind}/{name}", Parameters,
            new Dictionary<string, string?> { ["kind"] = "component", ["name"] = "../../admin/users?x=1", ["limit"] = " " });
        Assert.Equal("/api/catalog/entities/component/..%2F..%2Fadmin%2Fusers%3Fx%3D1", url);
    }

    [Fact]
    public void Query_values_are_appended_escaped()
    {
        var url = ApiTryRequest.Url("/api/catalog/entities/{kind}/{name}", Parameters,
            new Dictionary<string, string?> { ["kind"] = "api", ["name"] = "cart-api", ["limit"] = "5 & more" });
        Assert.Equal("/api/catalog/entities/api/cart-api?limit=5%20%26%20more", url);
    }

    [Fact]
    public void A_missing_path_value_or_a_body_that_is_not_json_is_said_before_anything_is_sent()
    {
        var values = new Dictionary<string, string?> { ["kind"] = "component", ["name"] = "" };
        Assert.Equal("Fill in name first.", ApiTryRequest.Problem(Parameters, values, null));

        values["name"] = "cart-service";
        Assert.Null(ApiTryRequest.Problem(Parameters, values, """{"a": 1}"""));
        Assert.Equal("The request body is not valid JSON: look at line 2, character 7.",
            ApiTryRequest.Problem(Parameters, values, "{\"a\": 1,\n \"b\": }"));
    }

    [Fact]
    public void The_curl_command_names_the_token_variable_and_quotes_the_body_for_a_shell()
    {
        var curl = ApiTryRequest.Curl("https://portal.example.com/", "POST", "/api/environments", """{"name": "it's"}""", "application/json");
        Assert.Equal("curl -X POST 'https://portal.example.com/api/environments' \\\n  -H \"Authorization: Bearer $PORTAL_TOKEN\" \\\n" +
            "  -H 'Content-Type: application/json' \\\n  --data '{\"name\": \"it'\\''s\"}'", curl);
        Assert.DoesNotContain("ptk_", curl);
    }
}
