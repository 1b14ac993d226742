using System.Text.Json.Nodes;
using Portal.Web.Features.Catalog;

namespace Portal.Tests.Catalog;

public sealed class EntityValidatorTests
{
    public static TheoryData<string> EntityExampleFiles() =>
        ExampleFiles("components", "apis", "systems", "domains", "resources");

    /// <summary>Groups, users, locations and the opt-in AiResource kind, from the other roots of the example set.</summary>
    public static TheoryData<string> OtherExampleFiles()
    {
        var data = ExampleFiles("acme", "ai-resources");
        foreach (var file in Directory.GetFiles(BackstageExamples.Root, "all*.yaml").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(EntityExampleFiles))]
    public void Backstage_example_entities_are_valid(string relativePath) => AssertAllValid(relativePath);

    [Theory]
    [MemberData(nameof(OtherExampleFiles))]
    public void Backstage_example_organisation_locations_and_custom_kinds_are_valid(string relativePath) => AssertAllValid(relativePath);

    [Fact]
    public void The_upstream_invalid_component_is_rejected_for_its_name_and_its_tag()
    {
        var document = Assert.Single(BackstageExamples.Parse("invalid/invalid-component.yaml"));

        var errors = EntityValidator.Validate(document.Entity!);

        Assert.Equal(2, errors.Count);
        Assert.Contains(
            "metadata.name 'invalid component' must be 1-63 characters of [a-zA-Z0-9], '-', '_' or '.', starting and ending with a letter or digit",
            errors);
        Assert.Contains(errors, e => e.StartsWith("metadata.tags[1] 'go 1.15.3'", StringComparison.Ordinal));
    }

    [Fact]
    public void A_component_needs_an_owner()
    {
        var errors = EntityValidator.Validate(Component("""{ "type": "service", "lifecycle": "production" }"""));

        Assert.Equal("spec.owner is required for kind Component", Assert.Single(errors));
    }

    [Fact]
    public void A_namespace_must_be_a_dns_label()
    {
        var entity = Entity("""
            { "apiVersion": "backstage.io/v1alpha1", "kind": "System",
              "metadata": { "name": "payments", "namespace": "Prod_1" }, "spec": { "owner": "team-a" } }
            """);

        var error = Assert.Single(EntityValidator.Validate(entity));

        Assert.StartsWith("metadata.namespace 'Prod_1' must be a DNS label", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_kinds_only_need_a_valid_envelope()
    {
        var entity = Entity("""
            { "apiVersion": "backstage.io/v1alpha1", "kind": "AiResource",
              "metadata": { "name": "code-review-plugin" }, "spec": { "skills": [{ "any": "shape" }], "owner": 42 } }
            """);

        Assert.Empty(EntityValidator.Validate(entity));
        Assert.NotEmpty(EntityValidator.Validate(Entity("""{ "apiVersion": "backstage.io/v1alpha1", "kind": "AiResource", "metadata": {} }""")));
    }

    [Fact]
    public void A_known_kind_under_a_foreign_api_group_is_a_custom_entity_but_an_unknown_backstage_version_is_not()
    {
        var custom = Entity("""{ "apiVersion": "example.com/v1", "kind": "Component", "metadata": { "name": "x" } }""");
        var unsupported = Entity("""{ "apiVersion": "backstage.io/v9", "kind": "Component", "metadata": { "name": "x" } }""");

        Assert.Empty(EntityValidator.Validate(custom));
        Assert.Contains("apiVersion 'backstage.io/v9' is not supported", Assert.Single(EntityValidator.Validate(unsupported)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_location_needs_a_target_or_targets()
    {
        static JsonObject Location(string spec) => Entity(
            $$"""{ "apiVersion": "backstage.io/v1alpha1", "kind": "Location", "metadata": { "name": "l" }, "spec": {{spec}} }""");

        Assert.Equal("spec.target or spec.targets is required for kind Location", Assert.Single(EntityValidator.Validate(Location("""{ "type": "url" }"""))));
        Assert.Empty(EntityValidator.Validate(Location("""{ "type": "url", "target": "https://example.com/catalog-info.yaml" }""")));
        Assert.Empty(EntityValidator.Validate(Location("""{ "targets": ["./a.yaml", "./b.yaml"] }""")));
        Assert.Equal("spec.targets[1] must be a non-empty string", Assert.Single(EntityValidator.Validate(Location("""{ "targets": ["./a.yaml", 3] }"""))));
    }

    [Fact]
    public void An_api_definition_may_be_a_substitution_placeholder_and_an_mcp_server_may_have_none()
    {
        static JsonObject Api(string spec) => Entity(
            $$"""{ "apiVersion": "backstage.io/v1alpha1", "kind": "API", "metadata": { "name": "a" }, "spec": {{spec}} }""");

        Assert.Empty(EntityValidator.Validate(Api("""{ "type": "openapi", "lifecycle": "production", "owner": "team-a", "definition": { "$text": "./openapi.yaml" } }""")));
        Assert.Empty(EntityValidator.Validate(Api("""{ "type": "mcp-server", "lifecycle": "experimental", "owner": "team-a", "remotes": [{ "url": "http://localhost:7007/api/mcp/v1" }] }""")));
        Assert.Equal("spec.definition is required for kind API", Assert.Single(EntityValidator.Validate(Api("""{ "type": "openapi", "lifecycle": "production", "owner": "team-a" }"""))));
        Assert.StartsWith(
            "spec.definition must be",
            Assert.Single(EntityValidator.Validate(Api("""{ "type": "openapi", "lifecycle": "production", "owner": "team-a", "definition": { "$text": "./a.yaml", "extra": 1 } }"""))),
            StringComparison.Ordinal);
    }

    [Fact]
    public void Envelope_problems_are_all_reported_each_naming_its_field()
    {
        var entity = Entity("""
            { "kind": "9Component",
              "metadata": { "name": "ok", "labels": { "bad key!": "v", "example.com/tier": "not valid!" },
                            "annotations": { "backstage.io/x": 5 }, "tags": ["UPPER"], "links": [{ "title": "no url" }] } }
            """);

        var errors = EntityValidator.Validate(entity);

        Assert.Contains("apiVersion is required", errors);
        Assert.Contains(errors, e => e.StartsWith("kind '9Component'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("metadata.labels key 'bad key!'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("metadata.labels.example.com/tier value 'not valid!'", StringComparison.Ordinal));
        Assert.Contains("metadata.annotations.backstage.io/x must be a string", errors);
        Assert.Contains(errors, e => e.StartsWith("metadata.tags[0] 'UPPER'", StringComparison.Ordinal));
        Assert.Contains("metadata.links[0].url is required and must be a non-empty string", errors);
    }

    [Fact]
    public void Relation_fields_must_be_strings_or_arrays_of_strings()
    {
        var errors = EntityValidator.Validate(Component("""
            { "type": "service", "lifecycle": "production", "owner": "team-a", "system": ["not", "a", "string"], "dependsOn": "component:x" }
            """));

        Assert.Contains("spec.system must be a non-empty string (an entity reference)", errors);
        Assert.Contains("spec.dependsOn must be an array of strings (entity references)", errors);
        Assert.Equal(2, errors.Count);
    }

    [Fact]
    public void Groups_and_users_may_have_empty_lists_but_not_missing_ones()
    {
        var group = Entity("""{ "apiVersion": "backstage.io/v1alpha1", "kind": "Group", "metadata": { "name": "g" }, "spec": { "type": "team", "children": [] } }""");
        var user = Entity("""{ "apiVersion": "backstage.io/v1alpha1", "kind": "User", "metadata": { "name": "u" }, "spec": {} }""");

        Assert.Empty(EntityValidator.Validate(group));
        Assert.Equal("spec.memberOf is required for kind User (use [] for none)", Assert.Single(EntityValidator.Validate(user)));
    }

    private static void AssertAllValid(string relativePath)
    {
        var documents = BackstageExamples.Parse(relativePath);

        Assert.NotEmpty(documents);
        foreach (var document in documents)
        {
            Assert.Null(document.Error);
            Assert.Empty(EntityValidator.Validate(document.Entity!));
        }
    }

    private static TheoryData<string> ExampleFiles(params string[] folders)
    {
        var data = new TheoryData<string>();
        foreach (var folder in folders)
        {
            var files = Directory.GetFiles(Path.Combine(BackstageExamples.Root, folder), "*.yaml")
                .Where(f => !f.EndsWith(".oas.yaml", StringComparison.Ordinal)) // OpenAPI documents reached through $text
                .Order(StringComparer.Ordinal);
            foreach (var file in files)
            {
                data.Add(Path.GetRelativePath(BackstageExamples.Root, file).Replace('\\', '/'));
            }
        }
        return data;
    }

    private static JsonObject Component(string spec) => Entity(
        $$"""{ "apiVersion": "backstage.io/v1alpha1", "kind": "Component", "metadata": { "name": "checkout" }, "spec": {{spec}} }""");

    private static JsonObject Entity(string json) => JsonNode.Parse(json)!.AsObject();

    private static JsonObject Template(int steps, int fieldsPerPage, int pages = 1) => new()
    {
        ["apiVersion"] = "scaffolder.backstage.io/v1beta3",
        ["kind"] = "Template",
        ["metadata"] = new JsonObject { ["name"] = "big" },
        ["spec"] = new JsonObject
        {
            ["type"] = "service",
            ["owner"] = "group:default/platform",
            ["parameters"] = new JsonArray(Enumerable.Range(0, pages).Select(p => (JsonNode)new JsonObject
            {
                ["properties"] = new JsonObject(Enumerable.Range(0, fieldsPerPage)
                    .Select(i => KeyValuePair.Create($"f{p}_{i}", (JsonNode?)new JsonObject { ["type"] = "string" }))),
            }).ToArray()),
            ["steps"] = new JsonArray(Enumerable.Range(0, steps)
                .Select(i => (JsonNode)new JsonObject { ["id"] = $"s{i}", ["action"] = "debug:log", ["input"] = new JsonObject() }).ToArray()),
        },
    };

    [Fact]
    public void A_template_of_up_to_100_steps_and_200_fields_is_valid_and_one_more_of_either_is_refused_naming_the_limit()
    {
        Assert.Empty(EntityValidator.Validate(Template(steps: TemplateEntityLimits.MaxSteps, fieldsPerPage: 100, pages: 2)));

        Assert.Equal("spec.steps has 101 steps; a template may have at most 100", Assert.Single(EntityValidator.Validate(Template(steps: 101, fieldsPerPage: 1))));
        Assert.Equal("spec.parameters has 201 fields; a template's form may have at most 200",
            Assert.Single(EntityValidator.Validate(Template(steps: 1, fieldsPerPage: 67, pages: 3))));
    }

    [Fact]
    public void Fields_nested_in_object_fields_and_dependencies_count_towards_the_form_limit()
    {
        var nested = JsonNode.Parse("""
            {"properties": {"outer": {"type": "object", "properties": {"a": {}, "b": {}}}},
             "dependencies": {"outer": {"oneOf": [{"properties": {"c": {}, "d": {}}}]}}}
            """);

        Assert.Equal(5, TemplateEntityLimits.CountFields(nested));
        Assert.Equal(0, TemplateEntityLimits.CountFields(null));
    }
}
