using System.Text.Json.Nodes;
using Portal.Web.Features.Templates;

namespace Portal.Tests.Templates;

public sealed class TaskValueRefsTests
{
    [Theory]
    [InlineData("\"group:default/payments\"", "group:default/payments")]
    [InlineData("\"User:Default/Ana.Silva\"", "user:default/ana.silva")]
    [InlineData("\"payments\"", null)]                       // a bare name could be anything
    [InlineData("\"https://example.com/a/b\"", null)]        // a URL is no ref
    [InlineData("\"group:default/payments and more\"", null)]
    [InlineData("42", null)]
    [InlineData("[\"group:default/payments\"]", null)]
    public void Only_a_full_ref_string_is_a_ref(string json, string? expected) =>
        Assert.Equal(expected, TaskValueRefs.RefOf(JsonNode.Parse(json)));
}
