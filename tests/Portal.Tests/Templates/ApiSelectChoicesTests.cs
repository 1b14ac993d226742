using System.Text.Json.Nodes;
using Portal.Web.Features.Templates;
using Portal.Web.Features.Templates.PortalApi;

namespace Portal.Tests.Templates;

/// <summary>SelectFieldFromApi's options and selectors, as Roadie's plugin reads them (lodash get).</summary>
public sealed class ApiSelectChoicesTests
{
    private static readonly JsonNode Facets = JsonNode.Parse("""
        {"facets": {"kind": [{"value": "Component", "count": 12}, {"value": "API", "count": 4}, {"value": "Group", "count": 6}]}}
        """)!;

    [Fact]
    public void The_plugins_README_example_gives_count_as_value_and_the_kind_as_label_sorted_by_label()
    {
        var options = new ApiSelectOptions("catalog/entity-facets", new JsonObject { ["facet"] = "kind" }, "facets.kind", "count", "value", null, null, null);

        var (choices, error) = ApiSelectChoices.Extract(Facets, options);

        Assert.Null(error);
        Assert.Equal([new("4", "API"), new("12", "Component"), new("6", "Group")], choices);
    }

    [Theory]
    [InlineData("facets.kind[1].value", "API")]
    [InlineData("facets.kind.2.value", "Group")]
    [InlineData("facets[\"kind\"][0].count", "12")]
    [InlineData("facets.kind[9].value", null)]
    [InlineData("facets.missing.value", null)]
    public void Selectors_read_dots_indexes_and_quoted_keys(string selector, string? expected)
    {
        Assert.Equal(expected, ApiSelectChoices.Select(Facets, selector)?.ToString());
    }

    [Fact]
    public void A_list_of_strings_needs_no_selector()
    {
        var (choices, error) = ApiSelectChoices.Extract(JsonNode.Parse("""["b", "a", "b"]"""), new ApiSelectOptions("x", null, null, null, null, null, null, null));

        Assert.Null(error);
        Assert.Equal([new("a", "a"), new("b", "b")], choices);
    }

    [Fact]
    public void An_answer_without_the_list_or_the_value_says_which_option_is_wrong()
    {
        var noList = ApiSelectChoices.Extract(Facets, new ApiSelectOptions("x", null, "facets.type", "count", null, null, null, null));
        var noValue = ApiSelectChoices.Extract(Facets, new ApiSelectOptions("x", null, "facets.kind", "name", null, null, null, null));
        var objects = ApiSelectChoices.Extract(Facets, new ApiSelectOptions("x", null, "facets.kind", null, null, null, null, null));

        Assert.Equal("the answer has no list at 'facets.type' (arraySelector).", noList.Error);
        Assert.Equal("an item of the list has no value at 'name' (valueSelector).", noValue.Error);
        Assert.Equal("the list holds objects; set valueSelector (and labelSelector) to the fields to use.", objects.Error);
    }

    [Fact]
    public void Parameters_of_the_form_are_rendered_into_the_path_and_params()
    {
        var values = new JsonObject { ["system"] = "payments" };

        Assert.Equal("catalog/entities?filter=spec.system=payments", ApiSelectChoices.Render("catalog/entities?filter=spec.system={{ parameters.system }}", values));
        Assert.Equal("payments", ApiSelectChoices.Render(new JsonObject { ["s"] = "{{parameters.system}}" }, values)!["s"]!.GetValue<string>());
        Assert.Equal("x=", ApiSelectChoices.Render("x={{ parameters.unset }}", values));
    }

    [Fact]
    public void The_options_are_read_from_ui_options_or_from_ui_keys_on_the_property()
    {
        var pages = TemplateParameters.ReadPages(new JsonObject
        {
            ["properties"] = new JsonObject
            {
                ["kind"] = new JsonObject
                {
                    ["type"] = "string", ["ui:field"] = "SelectFieldFromApi",
                    ["ui:options"] = new JsonObject { ["path"] = "catalog/entity-facets", ["arraySelector"] = "facets.kind", ["placeholder"] = "Pick one" },
                },
                ["legacy"] = new JsonObject
                {
                    ["type"] = "string", ["ui:field"] = "SelectFieldFromApi", ["ui:path"] = "catalog/entity-facets", ["ui:params"] = new JsonObject { ["facet"] = "kind" },
                    ["ui:valueSelector"] = "count",
                },
                ["plain"] = new JsonObject { ["type"] = "string" },
            },
        });
        var fields = pages.Single().Fields;

        Assert.Equal(("catalog/entity-facets", "facets.kind", "Pick one"), (fields[0].ApiSelect!.Path, fields[0].ApiSelect!.ArraySelector, fields[0].ApiSelect!.Placeholder));
        Assert.Equal(("catalog/entity-facets", "kind", "count"), (fields[1].ApiSelect!.Path, fields[1].ApiSelect!.Params!["facet"]!.GetValue<string>(), fields[1].ApiSelect!.ValueSelector));
        Assert.Null(fields[2].ApiSelect);
    }
}
