using System.Text.Json.Nodes;
using Portal.Web.Features.Catalog;

namespace Portal.Tests.Catalog;

public sealed class EntityRelationsTests
{
    [Fact]
    public void A_dependency_without_a_kind_is_an_error_because_the_field_has_no_default_kind()
    {
        var entity = Entity("""
            { "apiVersion": "backstage.io/v1alpha1", "kind": "Component", "metadata": { "name": "a" },
              "spec": { "type": "service", "lifecycle": "production", "owner": "team-a", "dependsOn": ["lib", "resource:db"] } }
            """);
        var errors = new List<string>();

        var edges = EntityRelations.Compute("component:default/a", "default", entity, errors);

        Assert.Equal(["spec.dependsOn 'lib' needs a kind, e.g. component:lib or resource:lib (this field has no default kind)"], errors);
        Assert.Contains("component:default/a dependsOn resource:default/db", Describe(edges));
        Assert.DoesNotContain(Describe(edges), e => e.Contains("lib", StringComparison.Ordinal));
    }

    [Fact]
    public void A_component_relates_to_its_owner_system_apis_and_dependencies_in_both_directions()
    {
        var entity = Entity("""
            { "apiVersion": "backstage.io/v1alpha1", "kind": "Component", "metadata": { "name": "a" },
              "spec": { "type": "service", "lifecycle": "production", "owner": "Team-A", "system": "sys",
                        "providesApis": ["api-x"], "consumesApis": ["ops/api-y"],
                        "dependsOn": ["resource:db", "component:lib"], "dependencyOf": ["component:b"] } }
            """);
        var errors = new List<string>();

        var edges = EntityRelations.Compute("component:default/a", "default", entity, errors);

        Assert.Empty(errors);
        Assert.Equal(
            Sorted(
                "component:default/a ownedBy group:default/team-a",
                "group:default/team-a ownerOf component:default/a",
                "component:default/a partOf system:default/sys",
                "system:default/sys hasPart component:default/a",
                "component:default/a providesApi api:default/api-x",
                "api:default/api-x apiProvidedBy component:default/a",
                "component:default/a consumesApi api:ops/api-y",
                "api:ops/api-y apiConsumedBy component:default/a",
                "component:default/a dependsOn resource:default/db",
                "resource:default/db dependencyOf component:default/a",
                "component:default/a dependsOn component:default/lib",
                "component:default/lib dependencyOf component:default/a",
                "component:default/a dependencyOf component:default/b",
                "component:default/b dependsOn component:default/a"),
            Describe(edges));
    }

    [Fact]
    public void A_group_relates_to_its_parent_children_and_members_in_its_own_namespace()
    {
        var entity = Entity("""
            { "apiVersion": "backstage.io/v1alpha1", "kind": "Group", "metadata": { "name": "x", "namespace": "ns" },
              "spec": { "type": "team", "parent": "root", "children": ["y"], "members": ["u"] } }
            """);
        var errors = new List<string>();

        var edges = EntityRelations.Compute("group:ns/x", "ns", entity, errors);

        Assert.Empty(errors);
        Assert.Equal(
            Sorted(
                "group:ns/x childOf group:ns/root",
                "group:ns/root parentOf group:ns/x",
                "group:ns/x parentOf group:ns/y",
                "group:ns/y childOf group:ns/x",
                "group:ns/x hasMember user:ns/u",
                "user:ns/u memberOf group:ns/x"),
            Describe(edges));
    }

    [Fact]
    public void A_user_is_member_of_groups_including_one_in_another_namespace()
    {
        var entity = Entity("""
            { "apiVersion": "backstage.io/v1alpha1", "kind": "User", "metadata": { "name": "jane" },
              "spec": { "memberOf": ["ops/team-x", "team-y"] } }
            """);
        var errors = new List<string>();

        var edges = EntityRelations.Compute("user:default/jane", "default", entity, errors);

        Assert.Empty(errors);
        Assert.Equal(
            Sorted(
                "user:default/jane memberOf group:ops/team-x",
                "group:ops/team-x hasMember user:default/jane",
                "user:default/jane memberOf group:default/team-y",
                "group:default/team-y hasMember user:default/jane"),
            Describe(edges));
    }

    [Fact]
    public void A_systems_domain_makes_it_part_of_the_domain_but_other_kinds_domain_fields_do_not()
    {
        var system = Entity("""{ "kind": "System", "metadata": { "name": "s" }, "spec": { "owner": "team-a", "domain": "audio" } }""");
        var component = Entity("""{ "kind": "Component", "metadata": { "name": "c" }, "spec": { "domain": "example.com" } }""");

        var systemEdges = Describe(EntityRelations.Compute("system:default/s", "default", system, []));
        var componentEdges = EntityRelations.Compute("component:default/c", "default", component, []);

        Assert.Contains("system:default/s partOf domain:default/audio", systemEdges);
        Assert.Contains("domain:default/audio hasPart system:default/s", systemEdges);
        Assert.Empty(componentEdges);
    }

    [Fact]
    public void Invalid_refs_are_reported_and_skipped_not_thrown()
    {
        var entity = Entity("""
            { "kind": "Component", "metadata": { "name": "a" },
              "spec": { "owner": "x:", "system": "sys", "providesApis": ["good", "a/b/c", 7] } }
            """);
        var errors = new List<string>();

        var edges = EntityRelations.Compute("component:default/a", "default", entity, errors);

        Assert.Contains("spec.owner 'x:' is not a valid entity reference", errors);
        Assert.Contains("spec.providesApis 'a/b/c' is not a valid entity reference", errors);
        Assert.Contains("spec.providesApis must contain only strings (entity references)", errors);
        Assert.Equal(
            Sorted(
                "component:default/a partOf system:default/sys",
                "system:default/sys hasPart component:default/a",
                "component:default/a providesApi api:default/good",
                "api:default/good apiProvidedBy component:default/a"),
            Describe(edges));
    }

    [Fact]
    public void Duplicate_edges_are_removed_after_case_folding_and_defaults()
    {
        var entity = Entity("""
            { "kind": "Component", "metadata": { "name": "a" },
              "spec": { "providesApis": ["api-x", "API-X", "api:default/api-x"] } }
            """);

        var edges = EntityRelations.Compute("Component:Default/A", "default", entity, []);

        Assert.Equal(
            Sorted(
                "component:default/a providesApi api:default/api-x",
                "api:default/api-x apiProvidedBy component:default/a"),
            Describe(edges));
    }

    [Fact]
    public void An_entity_without_spec_has_no_relations()
    {
        var entity = Entity("""{ "kind": "Location", "metadata": { "name": "l" } }""");

        Assert.Empty(EntityRelations.Compute("location:default/l", "default", entity, []));
    }

    private static string[] Describe(IEnumerable<RelationEdge> edges) =>
        Sorted(edges.Select(e => $"{e.SourceRef} {e.Type} {e.TargetRef}").ToArray());

    private static string[] Sorted(params string[] lines) => lines.Order(StringComparer.Ordinal).ToArray();

    private static JsonObject Entity(string json) => JsonNode.Parse(json)!.AsObject();
}
