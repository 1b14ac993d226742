using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Portal.Web.Features.Catalog;

namespace Portal.Tests.Catalog;

public sealed class DescriptorYamlTests
{
    [Fact]
    public void Parse_returns_one_entity_per_document_with_index_and_start_line()
    {
        const string yaml = """
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata:
              name: first
            ---
            apiVersion: backstage.io/v1alpha1
            kind: System
            metadata:
              name: second
            """;

        var documents = DescriptorYaml.Parse(yaml);

        Assert.Collection(
            documents,
            first =>
            {
                Assert.Null(first.Error);
                Assert.Equal(0, first.Index);
                Assert.Equal(1, first.Line);
                Assert.Equal("first", first.Entity!["metadata"]!["name"]!.GetValue<string>());
            },
            second =>
            {
                Assert.Null(second.Error);
                Assert.Equal(1, second.Index);
                Assert.Equal(5, second.Line);
                Assert.Equal("System", second.Entity!["kind"]!.GetValue<string>());
            });
    }

    [Fact]
    public void Empty_and_null_documents_are_skipped_but_keep_their_index()
    {
        const string yaml = """
            ---
            # nothing in this one
            ---
            kind: Component
            ---
            ~
            """;

        var document = Assert.Single(DescriptorYaml.Parse(yaml));

        Assert.Null(document.Error);
        Assert.Equal(1, document.Index);
        Assert.Equal(3, document.Line);
    }

    [Fact]
    public void Plain_scalars_follow_the_yaml_1_2_core_schema_and_quoted_ones_stay_strings()
    {
        const string yaml = """
            port: 8080
            version: "1.0"
            enabled: true
            x: ~
            ratio: 0.5
            quotedTrue: 'true'
            empty:
            hex: 0x1F
            yes: yes
            text: hello world
            """;

        var entity = Assert.Single(DescriptorYaml.Parse(yaml)).Entity!;

        Assert.Equal(JsonValueKind.Number, entity["port"]!.GetValueKind());
        Assert.Equal(8080, entity["port"]!.GetValue<long>());
        Assert.Equal(JsonValueKind.String, entity["version"]!.GetValueKind());
        Assert.Equal("1.0", entity["version"]!.GetValue<string>());
        Assert.Equal(JsonValueKind.True, entity["enabled"]!.GetValueKind());
        Assert.True(entity.ContainsKey("x"));
        Assert.Null(entity["x"]);
        Assert.Equal(0.5, entity["ratio"]!.GetValue<double>());
        Assert.Equal("true", entity["quotedTrue"]!.GetValue<string>());
        Assert.True(entity.ContainsKey("empty"));
        Assert.Null(entity["empty"]);
        Assert.Equal(31, entity["hex"]!.GetValue<long>());
        // YAML 1.2 (what Backstage reads) has no yes/no booleans.
        Assert.Equal("yes", entity["yes"]!.GetValue<string>());
        Assert.Equal("hello world", entity["text"]!.GetValue<string>());
    }

    [Fact]
    public void A_syntax_error_is_reported_with_its_line_and_stops_the_file_after_the_good_documents()
    {
        const string yaml = """
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata:
              name: ok
            ---
            kind: [unclosed
            metadata: x
            """;

        var documents = DescriptorYaml.Parse(yaml);

        Assert.Equal(2, documents.Count);
        Assert.NotNull(documents[0].Entity);
        Assert.Null(documents[0].Error);
        var failed = documents[1];
        Assert.Null(failed.Entity);
        Assert.NotNull(failed.Error);
        Assert.StartsWith("line ", failed.Error, StringComparison.Ordinal);
        Assert.Contains("column", failed.Error, StringComparison.Ordinal);
        Assert.True(failed.Line >= 6, $"error line {failed.Line}");
    }

    [Fact]
    public void A_document_that_is_not_a_mapping_is_an_error()
    {
        const string yaml = """
            kind: Component
            ---
            - just
            - a list
            """;

        var documents = DescriptorYaml.Parse(yaml);

        Assert.Equal(2, documents.Count);
        Assert.NotNull(documents[0].Entity);
        Assert.Equal("document 2 is not a mapping", documents[1].Error);
        Assert.Null(documents[1].Entity);
    }

    [Fact]
    public void Alias_bombs_are_refused_instead_of_expanded()
    {
        var yaml = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (var level = 'b'; level <= 'i'; level++)
        {
            var previous = (char)(level - 1);
            yaml.Append(level).Append(": &").Append(level).Append(" [")
                .Append(string.Join(", ", Enumerable.Repeat("*" + previous, 10)))
                .Append("]\n");
        }

        var document = Assert.Single(DescriptorYaml.Parse(yaml.ToString()));

        Assert.Null(document.Entity);
        Assert.Contains("1,000,000", document.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_recursive_alias_is_an_error_not_a_crash()
    {
        var document = Assert.Single(DescriptorYaml.Parse("a: &loop [*loop]\n"));

        Assert.Null(document.Entity);
        Assert.NotNull(document.Error);
    }

    [Fact]
    public void Absurdly_deep_nesting_is_an_error_not_a_stack_overflow()
    {
        var yaml = "a: " + new string('[', 100_000) + new string(']', 100_000) + "\n";

        var document = Assert.Single(DescriptorYaml.Parse(yaml));

        Assert.Null(document.Entity);
        Assert.Contains("nested deeper than", document.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void ToYaml_then_Parse_gives_back_the_same_entity()
    {
        var original = JsonNode.Parse("""
            {
              "apiVersion": "backstage.io/v1alpha1",
              "kind": "API",
              "metadata": {
                "name": "petstore",
                "annotations": { "backstage.io/techdocs-ref": "dir:.", "example.com/quoted": "it's: here" },
                "labels": {},
                "tags": ["rest", "store"],
                "links": [{ "url": "https://example.com/docs", "title": "# not a comment" }]
              },
              "spec": {
                "type": "openapi",
                "lifecycle": "production",
                "owner": "team-a",
                "port": 8080,
                "ratio": 0.25,
                "enabled": false,
                "nothing": null,
                "lookalikes": ["true", "8080", "1.0", "null", "~", "yes", "", "  padded", "0x1F", "1e3", ".inf", "2024-01-31"],
                "definition": "openapi: 3.0.0\ninfo:\n  title: Petstore\n",
                "noTrailingNewline": "line one\nline two",
                "empty": [],
                "nested": { "deeper": [{ "a": 1 }, ["x"]] },
                "unicode": "café ☕"
              }
            }
            """)!.AsObject();

        var yaml = DescriptorYaml.ToYaml(original);
        var parsed = Assert.Single(DescriptorYaml.Parse(yaml));

        Assert.Null(parsed.Error);
        Assert.True(JsonNode.DeepEquals(original, parsed.Entity), yaml);
        Assert.StartsWith("apiVersion: backstage.io/v1alpha1", yaml, StringComparison.Ordinal);
        Assert.True(
            yaml.IndexOf("kind:", StringComparison.Ordinal) < yaml.IndexOf("metadata:", StringComparison.Ordinal)
            && yaml.IndexOf("metadata:", StringComparison.Ordinal) < yaml.IndexOf("spec:", StringComparison.Ordinal),
            yaml);
        Assert.Contains("owner: team-a", yaml, StringComparison.Ordinal);
        Assert.Contains("\"true\"", yaml, StringComparison.Ordinal);
        Assert.Contains("definition: |", yaml, StringComparison.Ordinal);
    }

    [Fact]
    public void A_real_multi_document_backstage_file_parses()
    {
        var documents = BackstageExamples.Parse("acme/org.yaml");

        Assert.Equal(2, documents.Count);
        Assert.All(documents, d => Assert.Null(d.Error));
        Assert.Equal(["Group", "Location"], documents.Select(d => d.Entity!["kind"]!.GetValue<string>()).ToArray());
    }
}

/// <summary>The Backstage example files in the shared test data, next to the repository (../shared from the repo root).</summary>
internal static class BackstageExamples
{
    public static string Root => Portal.TestSupport.SharedTestData.BackstageExample("");

    public static string PathOf(string relativePath) => Path.Combine(Root, relativePath);

    public static IReadOnlyList<ParsedDocument> Parse(string relativePath) =>
        DescriptorYaml.Parse(File.ReadAllText(PathOf(relativePath)));
}
