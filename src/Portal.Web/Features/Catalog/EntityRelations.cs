using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portal.Web.Features.Catalog;

/// <summary>A directed relation between two entities, both refs in canonical lower-case form.</summary>
public sealed record RelationEdge(string SourceRef, string Type, string TargetRef);

/// <summary>Derives Backstage's well-known relations from an entity's spec.</summary>
public static class EntityRelations
{
    public const string OwnedBy = "ownedBy";
    public const string OwnerOf = "ownerOf";
    public const string PartOf = "partOf";
    public const string HasPart = "hasPart";
    public const string ProvidesApi = "providesApi";
    public const string ApiProvidedBy = "apiProvidedBy";
    public const string ConsumesApi = "consumesApi";
    public const string ApiConsumedBy = "apiConsumedBy";
    public const string DependsOn = "dependsOn";
    public const string DependencyOf = "dependencyOf";
    public const string ChildOf = "childOf";
    public const string ParentOf = "parentOf";
    public const string MemberOf = "memberOf";
    public const string HasMember = "hasMember";

    /// <summary>
    /// All relations an entity's spec generates, in both directions, refs lower-case via <see cref="EntityRef.ToString"/>.
    /// <paramref name="sourceRef"/> is the entity's own ref. A ref's kind defaults by field as in Backstage
    /// (owner → group, system → system, domain/subdomainOf → domain, subcomponentOf → component, providesApis/consumesApis → api,
    /// parent/children/memberOf → group, members → user), and dependsOn/dependencyOf → component (Backstage has no default
    /// there); its namespace defaults to <paramref name="entityNamespace"/>. <c>domain</c> counts for Systems only,
    /// <c>parent</c>/<c>children</c>/<c>members</c> for Groups and <c>memberOf</c> for Users; the other fields for every kind,
    /// so custom kinds (e.g. AiResource) get owners and systems too.
    /// Invalid refs are skipped and reported through <paramref name="errors"/>; duplicate edges are removed.
    /// </summary>
    public static IReadOnlyList<RelationEdge> Compute(string sourceRef, string entityNamespace, JsonObject entity, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(entity);
        ArgumentNullException.ThrowIfNull(errors);

        var ns = string.IsNullOrWhiteSpace(entityNamespace) ? EntityRef.DefaultNamespace : entityNamespace.Trim();
        var source = EntityRef.Parse(sourceRef, null, ns).ToString();
        if (entity["spec"] is not JsonObject spec)
        {
            return [];
        }
        var kind = entity["kind"] is JsonValue kindValue && kindValue.TryGetValue<string>(out var kindText)
            ? CatalogEntityMapper.CanonicalKind(kindText)
            : string.Empty;

        var edges = new List<RelationEdge>();
        var seen = new HashSet<RelationEdge>();

        void AddPair(string target, string type, string inverseType)
        {
            var forward = new RelationEdge(source, type, target);
            if (seen.Add(forward))
            {
                edges.Add(forward);
            }
            var backward = new RelationEdge(target, inverseType, source);
            if (seen.Add(backward))
            {
                edges.Add(backward);
            }
        }

        void One(string field, string defaultKind, string type, string inverseType)
        {
            if (!spec.TryGetPropertyValue(field, out var value) || value is null)
            {
                return;
            }
            if (AsString(value) is not { } text)
            {
                errors.Add($"spec.{field} must be a string (an entity reference)");
                return;
            }
            if (TryResolve(text, defaultKind, ns) is { } target)
            {
                AddPair(target, type, inverseType);
            }
            else
            {
                errors.Add($"spec.{field} '{text}' is not a valid entity reference");
            }
        }

        void Many(string field, string? defaultKind, string type, string inverseType)
        {
            if (!spec.TryGetPropertyValue(field, out var value) || value is null)
            {
                return;
            }
            if (value is not JsonArray items)
            {
                errors.Add($"spec.{field} must be an array of strings (entity references)");
                return;
            }
            foreach (var item in items)
            {
                if (AsString(item) is not { } text)
                {
                    errors.Add($"spec.{field} must contain only strings (entity references)");
                }
                else if (TryResolve(text, defaultKind, ns) is { } target)
                {
                    AddPair(target, type, inverseType);
                }
                else if (defaultKind is null && !text.Contains(':', StringComparison.Ordinal))
                {
                    errors.Add($"spec.{field} '{text}' needs a kind, e.g. component:{text} or resource:{text} (this field has no default kind)");
                }
                else
                {
                    errors.Add($"spec.{field} '{text}' is not a valid entity reference");
                }
            }
        }

        One("owner", "group", OwnedBy, OwnerOf);
        One("system", "system", PartOf, HasPart);
        if (kind == "System")
        {
            One("domain", "domain", PartOf, HasPart);
        }
        One("subcomponentOf", "component", PartOf, HasPart);
        One("subdomainOf", "domain", PartOf, HasPart);
        Many("providesApis", "api", ProvidesApi, ApiProvidedBy);
        Many("consumesApis", "api", ConsumesApi, ApiConsumedBy);
        // As in Backstage, dependencies name their kind: a component can depend on a resource as well.
        Many("dependsOn", null, DependsOn, DependencyOf);
        Many("dependencyOf", null, DependencyOf, DependsOn);
        if (kind == "Group")
        {
            One("parent", "group", ChildOf, ParentOf);
            Many("children", "group", ParentOf, ChildOf);
            Many("members", "user", HasMember, MemberOf);
        }
        if (kind == "User")
        {
            Many("memberOf", "group", MemberOf, HasMember);
        }

        return edges;
    }

    /// <summary>
    /// Canonical ref, or null when the text is not <c>[kind:][namespace/]name</c>. Stricter than
    /// <see cref="EntityRef.Parse"/>, which would accept e.g. <c>":x"</c> or <c>"a/b/c"</c> as odd names.
    /// </summary>
    private static string? TryResolve(string text, string? defaultKind, string ns)
    {
        EntityRef parsed;
        try
        {
            parsed = EntityRef.Parse(text, defaultKind, ns);
        }
        catch (FormatException)
        {
            return null;
        }
        catch (ArgumentException)
        {
            // Blank reference.
            return null;
        }

        var parts = new[] { parsed.Kind, parsed.Namespace, parsed.Name };
        foreach (var part in parts)
        {
            if (part.Length == 0
                || part.Contains(':', StringComparison.Ordinal)
                || part.Contains('/', StringComparison.Ordinal)
                || part.Any(char.IsWhiteSpace))
            {
                return null;
            }
        }
        return parsed.ToString();
    }

    private static string? AsString(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.TryGetValue<string>(out var text)
            ? text
            : null;
}
