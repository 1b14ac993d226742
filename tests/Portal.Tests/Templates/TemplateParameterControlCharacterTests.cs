using System.Text.Json.Nodes;
using Portal.Web.Features.Templates;

namespace Portal.Tests.Templates;

/// <summary>Single-line text parameters refuse line breaks and control characters; a textarea allows line breaks.</summary>
public sealed class TemplateParameterControlCharacterTests
{
    private static readonly IReadOnlyList<ParameterPage> Pages = TemplateParameters.ReadPages(JsonNode.Parse("""
        [{"title":"T","properties":{
          "system":{"title":"System","type":"string","ui:field":"EntityPicker"},
          "notes":{"title":"Notes","type":"string","ui:widget":"textarea"},
          "tags":{"title":"Tags","type":"array","items":{"type":"string"}}}}]
        """));

    private static Dictionary<string, string[]> Validate(string json) => TemplateParameters.Validate(Pages, JsonNode.Parse(json)!.AsObject());

    [Theory]
    [InlineData("payments\n---\nkind: Group", "System must be a single line: it contains a line break.")]
    [InlineData("payments\rx", "System must be a single line: it contains a line break.")]
    [InlineData("payments\u2028x", "System must be a single line: it contains a line break.")]
    [InlineData("payments\u0000", "System contains the control character U+0000, which is not allowed.")]
    [InlineData("payments\u001b[31m", "System contains the control character U+001B, which is not allowed.")]
    [InlineData("payments\u0085", "System must be a single line: it contains a line break.")]
    public void A_single_line_field_refuses_line_breaks_and_control_characters(string value, string message)
    {
        var errors = Validate(new JsonObject { ["system"] = value }.ToJsonString());

        Assert.Equal([message], errors["system"]);
    }

    [Fact]
    public void A_textarea_allows_line_breaks_and_tabs_but_not_other_control_characters()
    {
        Assert.Empty(Validate(new JsonObject { ["notes"] = "one\r\ntwo\tthree", ["system"] = "a\tb" }.ToJsonString()));
        Assert.Equal(["Notes contains the control character U+0007, which is not allowed."], Validate(new JsonObject { ["notes"] = "bell\a" }.ToJsonString())["notes"]);
    }

    [Fact]
    public void List_entries_and_values_the_form_does_not_ask_for_are_checked_too()
    {
        Assert.Equal(["An entry of Tags must be a single line: it contains a line break."], Validate("""{"tags":["a","b\nc"]}""")["tags"]);
        Assert.Equal(["'extra' contains the control character U+0000, which is not allowed."], Validate("""{"extra":{"k":"v\u0000"}}""")["extra"]);
        Assert.Empty(Validate("""{"extra":"multi\nline is fine here"}"""));
    }

    [Fact]
    public void Picker_kinds_come_from_the_catalog_filter_allowed_kinds_or_the_owner_default()
    {
        var pages = TemplateParameters.ReadPages(JsonNode.Parse("""
            {"properties":{
              "a":{"type":"string","ui:field":"EntityPicker","ui:options":{"catalogFilter":{"kind":["System","Domain"]}}},
              "b":{"type":"string","ui:field":"EntityPicker","ui:options":{"catalogFilter":[{"kind":"API"},{"kind":"Component"}]}},
              "c":{"type":"string","ui:field":"EntityPicker","ui:options":{"allowedKinds":["Resource"]}},
              "d":{"type":"string","ui:field":"OwnerPicker"},
              "e":{"type":"string","ui:field":"EntityPicker"}}}
            """));
        var fields = pages[0].Fields.ToDictionary(f => f.Name);

        Assert.Equal(["System", "Domain"], fields["a"].PickerKinds);
        Assert.Equal(["API", "Component"], fields["b"].PickerKinds);
        Assert.Equal(["Resource"], fields["c"].PickerKinds);
        Assert.Equal(["Group", "User"], fields["d"].PickerKinds);
        Assert.Empty(fields["e"].PickerKinds);
    }
}
