using System.Text.Json.Nodes;
using Portal.Web.Features.Templates;

namespace Portal.Tests.Templates;

public sealed class TemplateParametersTests
{
    private static readonly IReadOnlyList<ParameterPage> Pages = TemplateParameters.ReadPages(JsonNode.Parse("""
        [
          {"title": "Service", "required": ["name", "owner"], "properties": {
            "name": {"title": "Name", "type": "string", "pattern": "^[a-z][a-z0-9-]*$", "minLength": 3, "maxLength": 20, "ui:autofocus": true},
            "owner": {"title": "Owner", "type": "string", "ui:field": "OwnerPicker", "ui:options": {"catalogFilter": {"kind": "Group"}}},
            "replicas": {"title": "Replicas", "type": "integer", "minimum": 1, "maximum": 5, "default": 2},
            "tier": {"title": "Tier", "type": "string", "enum": ["small", "large"], "enumNames": ["Small", "Large"], "ui:widget": "radio"}
          }},
          {"title": "Extras", "properties": {
            "features": {"title": "Features", "type": "array", "items": {"type": "string", "enum": ["metrics", "docs"]}},
            "public": {"title": "Public", "type": "boolean"},
            "token": {"title": "Token", "type": "string", "ui:widget": "password"}
          }}
        ]
        """));

    [Fact]
    public void Pages_and_fields_are_read_with_their_ui_hints()
    {
        Assert.Equal(["Service", "Extras"], Pages.Select(p => p.Title));
        var name = Pages[0].Fields.Single(f => f.Name == "name");
        Assert.True(name.Required);
        Assert.True(name.Autofocus);
        var owner = Pages[0].Fields.Single(f => f.Name == "owner");
        Assert.Equal("OwnerPicker", owner.Field);
        Assert.Equal("Group", owner.CatalogFilter!["kind"]!.GetValue<string>());
        Assert.Equal("Large", Pages[0].Fields.Single(f => f.Name == "tier").LabelOf("large"));
        Assert.Equal(["token"], TemplateParameters.SecretNames(Pages));
        Assert.Equal(2, TemplateParameters.Defaults(Pages)["replicas"]!.GetValue<int>());
    }

    [Fact]
    public void Ui_order_puts_the_named_fields_first()
    {
        var pages = TemplateParameters.ReadPages(JsonNode.Parse("""
            {"ui:order": ["owner", "*", "name"], "properties": {"name": {"type": "string"}, "extra": {"type": "string"}, "owner": {"type": "string"}}}
            """));

        Assert.Equal(["owner", "extra", "name"], pages[0].Fields.Select(f => f.Name));
    }

    [Fact]
    public void Valid_values_pass()
    {
        var values = JsonNode.Parse("""{"name":"orders","owner":"group:default/payments","replicas":3,"tier":"small","features":["docs"],"public":true}""")!.AsObject();

        Assert.Empty(TemplateParameters.Validate(Pages, values));
    }

    [Theory]
    [InlineData("""{"owner":"group:default/x"}""", "name", "Name is required.")]
    [InlineData("""{"name":"Orders","owner":"g"}""", "name", "Name does not match the required format (^[a-z][a-z0-9-]*$).")]
    [InlineData("""{"name":"ab","owner":"g"}""", "name", "Name must be at least 3 characters.")]
    [InlineData("""{"name":"abcdefghijklmnopqrstuvwxyz","owner":"g"}""", "name", "Name must be at most 20 characters.")]
    [InlineData("""{"name":"abc","owner":"g","replicas":9}""", "replicas", "Replicas must be at most 5.")]
    [InlineData("""{"name":"abc","owner":"g","replicas":1.5}""", "replicas", "Replicas must be a whole number.")]
    [InlineData("""{"name":"abc","owner":"g","replicas":"two"}""", "replicas", "Replicas must be a number.")]
    [InlineData("""{"name":"abc","owner":"g","tier":"huge"}""", "tier", "Tier must be one of: Small, Large.")]
    [InlineData("""{"name":"abc","owner":"g","features":["metrics","ai"]}""", "features", "Features must be one of: metrics, docs.")]
    [InlineData("""{"name":"abc","owner":"g","public":"yes"}""", "public", "Public must be true or false.")]
    public void Each_rule_gives_a_message_naming_the_field(string json, string field, string message)
    {
        var errors = TemplateParameters.Validate(Pages, JsonNode.Parse(json)!.AsObject());

        Assert.Equal([message], errors[field]);
    }

    [Fact]
    public void Values_are_length_limited_even_without_a_max_length()
    {
        var values = new JsonObject { ["name"] = "abc", ["owner"] = "g", ["token"] = new string('x', TemplateParameters.MaxValueLength + 1),
            ["extra"] = new string('y', TemplateParameters.MaxValueLength + 10) };

        var errors = TemplateParameters.Validate(Pages, values);

        Assert.Equal([$"Token must be at most {TemplateParameters.MaxValueLength} characters."], errors["token"]);
        Assert.True(errors.ContainsKey("extra"));
    }

    [Fact]
    public void Secrets_are_masked_in_stored_values()
    {
        var values = new JsonObject { ["name"] = "abc", ["token"] = "s3cret" };

        var masked = SecretMasker.Masked(values, TemplateParameters.SecretNames(Pages));

        Assert.Equal(SecretMasker.Placeholder, masked["token"]!.GetValue<string>());
        Assert.Equal("abc", masked["name"]!.GetValue<string>());
        Assert.Equal("s3cret", values["token"]!.GetValue<string>());
    }
}
