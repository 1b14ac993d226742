using System.Text.Json.Nodes;
using Portal.Web.Features.Templates;

namespace Portal.Tests.Templates;

/// <summary>Values fill in YAML scalars; a value that would add keys, items or documents is refused.</summary>
public sealed class TemplateYamlShapeTests
{
    private const string CatalogInfo = """
        apiVersion: backstage.io/v1alpha1
        kind: Component
        metadata:
          name: ${{ values.name }}{% if values.description %}
          description: >-
            ${{ values.description }}{% endif %}
          links:
            - url: https://runbooks.example.com/${{ values.name }}
              title: Runbook
          tags: ${{ values.tags | dump }}
        spec:
          type: service
          owner: ${{ values.owner }}{% if values.system %}
          system: ${{ values.system }}{% endif %}
        """;

    private static string Render(string values, string path = "catalog-info.yaml", string text = CatalogInfo) =>
        TemplateText.RenderFile(path, text, new Dictionary<string, object?>(StringComparer.Ordinal) { ["values"] = JsonNode.Parse(values) }, $"the file '{path}'");

    [Fact]
    public void Values_with_yaml_punctuation_fill_in_their_scalars()
    {
        var rendered = Render("""{"name":"orders","description":"Takes orders: # & \" {} are fine","owner":"group:default/payments","system":"payments","tags":["a","b: c"]}""");

        Assert.Contains("Takes orders: # & \" {} are fine", rendered, StringComparison.Ordinal);
        Assert.Contains("""tags: ["a","b: c"]""", rendered, StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_with_a_new_document_is_refused()
    {
        var error = Assert.Throws<TemplateRenderException>(() => Render("""
            {"name":"orders","owner":"group:default/payments","tags":[],
             "system":"payments\n---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: platform\nspec:\n  type: team\n  members: [ana.silva]"}
            """));

        Assert.StartsWith("the file 'catalog-info.yaml': the values would change the structure of this YAML file (2 documents instead of 1).", error.Message,
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"name":"orders","owner":"group:default/payments\n  members: [x]","tags":[]}""")]
    [InlineData("""{"name":"orders","owner":"{kind: Group, members: [x]}","tags":[]}""")]
    [InlineData("""{"name":"orders","owner":"*alias","tags":[]}""")]
    [InlineData("""{"name":"orders","owner":"!!binary aGk=","tags":[]}""")]
    [InlineData("""{"name":"orders","description":"a\nkind: Group","owner":"group:default/payments","tags":[]}""")]
    public void Values_that_add_keys_mappings_aliases_or_tags_are_refused(string values)
    {
        var error = Assert.Throws<TemplateRenderException>(() => Render(values));

        Assert.Contains("the values would change the structure of this YAML file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Other_files_are_not_checked()
    {
        var rendered = Render("""{"text":"line one\n---\nkind: Group"}""", "README.md", "# Title\n\n${{ values.text }}\n");

        Assert.Contains("kind: Group", rendered, StringComparison.Ordinal);
    }

    [Fact]
    public void Difference_is_null_for_the_same_structure_and_names_what_changed()
    {
        Assert.Null(TemplateYamlShape.Difference("a: x\nb: [x]\n", "a: hello world\nb: [\"q\"]\n"));
        Assert.Equal("2 documents instead of 1", TemplateYamlShape.Difference("a: x\n", "a: y\n---\nb: z\n"));
        Assert.Equal("it is no longer valid YAML", TemplateYamlShape.Difference("a: x\n", "a: y: z\n"));
        Assert.Null(TemplateYamlShape.Difference("{% not yaml: [", "anything"));
    }
}
