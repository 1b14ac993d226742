using System.Text.Json.Nodes;
using Portal.Web.Features.Templates;

namespace Portal.Tests.Templates;

/// <summary>
/// The EntityTagsPicker field: Backstage's tag rule (catalog-model's isValidTag: [a-z0-9:+#] words joined by single '-',
/// at most 63 characters), its ui:options, the server's check of a submitted list, and a textarea's ui:options.rows.
/// </summary>
public sealed class EntityTagsPickerTests
{
    [Theory]
    [InlineData("java")]
    [InlineData("c++")]
    [InlineData("c#")]
    [InlineData("lang:go")]
    [InlineData("web-api-v2")]
    [InlineData("a")]
    public void Tags_the_catalog_accepts_pass(string tag) => Assert.Null(EntityTags.Problem(tag));

    [Theory]
    [InlineData("Java")]
    [InlineData("two words")]
    [InlineData("web--api")]
    [InlineData("-web")]
    [InlineData("web-")]
    [InlineData("under_score")]
    [InlineData("dot.ted")]
    [InlineData("café")]
    [InlineData("web\n")]
    public void Tags_the_catalog_refuses_are_refused_with_the_rule(string tag) =>
        Assert.Equal($"'{tag}' is not a valid tag: use {EntityTags.Rule}.", EntityTags.Problem(tag));

    [Fact]
    public void A_tag_is_at_most_63_characters_and_never_empty()
    {
        Assert.Null(EntityTags.Problem(new string('a', 63)));
        Assert.Equal($"'{new string('a', 64)}' is longer than 63 characters.", EntityTags.Problem(new string('a', 64)));
        Assert.Equal("A tag cannot be empty.", EntityTags.Problem(""));
    }

    [Fact]
    public void A_typed_tag_is_trimmed_and_lower_cased_as_Backstage_s_picker_does() => Assert.Equal("dotnet", EntityTags.Normalize("  DotNet "));

    [Fact]
    public void The_picker_s_options_are_read_from_ui_options()
    {
        var fields = Fields("""
            {"properties": {
              "tags": {"title": "Tags", "type": "array", "items": {"type": "string"}, "ui:field": "EntityTagsPicker",
                       "ui:options": {"kinds": ["Component", "API", "component"], "showCounts": true, "helperText": "Pick some"}},
              "one": {"type": "array", "ui:field": "EntityTagsPicker", "ui:options": {"kinds": "System", "showCounts": "yes"}},
              "bare": {"type": "array", "ui:field": "EntityTagsPicker"},
              "list": {"type": "array", "items": {"type": "string"}}
            }}
            """);

        var tags = fields["tags"].Tags!;
        Assert.Equal(["Component", "API"], tags.Kinds);
        Assert.True(tags.ShowCounts);
        Assert.Equal("Pick some", tags.HelperText);
        // One kind as a string is a list of one; showCounts is only the boolean true.
        Assert.Equal(["System"], fields["one"].Tags!.Kinds);
        Assert.False(fields["one"].Tags!.ShowCounts);
        Assert.Empty(fields["bare"].Tags!.Kinds);
        Assert.Null(fields["bare"].Tags!.HelperText);
        Assert.Null(fields["list"].Tags);
    }

    [Fact]
    public void The_server_refuses_a_submitted_tag_the_catalog_would_refuse_and_accepts_good_ones()
    {
        var field = Fields("""{"properties": {"tags": {"title": "Tags", "type": "array", "ui:field": "EntityTagsPicker"}}}""")["tags"];

        Assert.Null(TemplateParameters.ValidateField(field, JsonNode.Parse("""["java", "c++", "lang:go"]""")));
        Assert.Equal($"Tags: 'Bad Tag' is not a valid tag: use {EntityTags.Rule}.", TemplateParameters.ValidateField(field, JsonNode.Parse("""["java", "Bad Tag"]""")));
        Assert.Equal("Tags: every tag must be text.", TemplateParameters.ValidateField(field, JsonNode.Parse("""["java", 7]""")));
        // A plain list of strings keeps accepting any text.
        var list = Fields("""{"properties": {"list": {"title": "List", "type": "array"}}}""")["list"];
        Assert.Null(TemplateParameters.ValidateField(list, JsonNode.Parse("""["Bad Tag"]""")));
    }

    [Theory]
    [InlineData("8", 8)]
    [InlineData("1", 1)]
    [InlineData("30", 30)]
    [InlineData("0", 1)]
    [InlineData("-3", 1)]
    [InlineData("500", 30)]
    [InlineData("\"6\"", 6)]
    [InlineData("2.5", null)]
    [InlineData("\"many\"", null)]
    [InlineData("true", null)]
    [InlineData("null", null)]
    public void A_textarea_s_rows_are_read_and_kept_between_1_and_30(string rows, int? expected)
    {
        var field = Fields("""{"properties": {"text": {"type": "string", "ui:widget": "textarea", "ui:options": {"rows": """ + rows + "}}}}")["text"];

        Assert.Equal(expected, field.Rows);
    }

    [Fact]
    public void A_textarea_without_rows_has_no_rows_set() =>
        Assert.Null(Fields("""{"properties": {"text": {"type": "string", "ui:widget": "textarea"}}}""")["text"].Rows);

    private static Dictionary<string, ParameterField> Fields(string page) =>
        TemplateParameters.ReadPages(JsonNode.Parse(page)).Single().Fields.ToDictionary(f => f.Name);
}
