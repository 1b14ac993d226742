using System.Text;
using System.Text.Json.Nodes;
using Portal.Web.Infrastructure.Hosting;

namespace Portal.Tests.Foundation;

public sealed class StorableTextTests
{
    // Code points, not strings: test-case attributes cannot carry a lone surrogate.
    [Theory]
    [InlineData("plain text", -1, null)]
    [InlineData("emoji 😀 is a pair", -1, null)]
    [InlineData("nul {0} here", 0, "a NUL character (\\u0000)")]
    [InlineData("lone {0} high", 0xD800, "an unpaired surrogate (\\ud800)")]
    [InlineData("lone {0} low", 0xDC00, "an unpaired surrogate (\\udc00)")]
    [InlineData("ends high {0}", 0xD83D, "an unpaired surrogate (\\ud83d)")]
    public void Problem_names_what_cannot_be_stored(string format, int codeUnit, string? expected) =>
        Assert.Equal(expected, StorableText.Problem(codeUnit < 0 ? format : format.Replace("{0}", ((char)codeUnit).ToString(), StringComparison.Ordinal)));

    [Fact]
    public void FindIn_names_the_field_in_values_arrays_and_property_names()
    {
        Assert.Equal("metadata.description contains a NUL character (\\u0000), which cannot be stored.",
            StorableText.FindIn(new JsonObject { ["metadata"] = new JsonObject { ["description"] = "a\0b" } }));
        Assert.Equal("spec.tags[1] contains an unpaired surrogate (\\ud800), which cannot be stored.",
            StorableText.FindIn(new JsonObject { ["spec"] = new JsonObject { ["tags"] = new JsonArray("ok", "x\ud800") } }));
        Assert.StartsWith("A property name under metadata.annotations contains a NUL",
            StorableText.FindIn(new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { ["k\0"] = "v" } } }), StringComparison.Ordinal);
        Assert.Null(StorableText.FindIn(JsonNode.Parse("""{"a": [1, true, null, "fine"]}""")));
        Assert.Contains("unpaired surrogate", StorableText.FindIn(JsonNode.Parse("""{"a": "\ud800"}""")), StringComparison.Ordinal);
    }

    [Fact]
    public void Clean_replaces_only_what_cannot_be_stored() =>
        Assert.Equal("a\uFFFDb\uFFFDc😀", StorableText.Clean("a\0b\ud800c😀"));

    [Theory]
    [InlineData("""{"name": "ok", "list": ["😀", "\ud83d\ude00"]}""", null)]
    [InlineData("""{"name": "a\u0000b"}""", "The value of 'name' contains a NUL character")]
    [InlineData("""{"deep": {"x": ["\ud800"]}}""", "The value of 'x' contains an unpaired surrogate")]
    [InlineData("""{"k\u0000": 1}""", "A property name contains a NUL character")]
    [InlineData("""not json at all""", null)]
    public void The_request_guard_finds_escaped_text_in_a_json_body(string json, string? expected)
    {
        var found = StorableTextGuard.Find(Encoding.UTF8.GetBytes(json));

        if (expected is null)
        {
            Assert.Null(found);
        }
        else
        {
            Assert.StartsWith(expected, found, StringComparison.Ordinal);
        }
    }
}
