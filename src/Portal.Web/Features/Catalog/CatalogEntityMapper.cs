using System.Text.Json;

namespace Portal.Web.Features.Catalog;

/// <summary>Copies the filterable facts of a descriptor into the indexed columns of <see cref="CatalogEntity"/>.</summary>
public static class CatalogEntityMapper
{
    private static readonly string[] KnownKinds =
        ["Component", "API", "Resource", "System", "Domain", "Group", "User", "Location", "Template"];

    /// <summary>Known kinds are stored in their canonical spelling (kinds compare case-insensitively).</summary>
    public static bool IsKnownKind(string kind) => KnownKinds.Any(k => string.Equals(k, kind, StringComparison.OrdinalIgnoreCase));

    public static string CanonicalKind(string kind) =>
        KnownKinds.FirstOrDefault(k => string.Equals(k, kind, StringComparison.OrdinalIgnoreCase)) ?? kind;

    public static CatalogEntity ToEntity(JsonDocument document, DateTimeOffset now)
    {
        var root = document.RootElement;
        var metadata = root.GetProperty("metadata");
        var spec = root.TryGetProperty("spec", out var s) ? s : default;
        var kind = CanonicalKind(root.GetProperty("kind").GetString()!);
        var ns = String(metadata, "namespace") ?? EntityRef.DefaultNamespace;
        var name = metadata.GetProperty("name").GetString()!;

        return new CatalogEntity
        {
            EntityRef = new EntityRef(kind, ns, name).ToString(),
            Kind = kind,
            Namespace = ns,
            Name = name,
            // People and teams are named by their profile in Backstage descriptors; it is their title wherever the portal names them.
            Title = String(metadata, "title")
                ?? (kind is CatalogKinds.Group or CatalogKinds.User && spec.ValueKind == JsonValueKind.Object && spec.TryGetProperty("profile", out var profile)
                    ? String(profile, "displayName") : null),
            Description = String(metadata, "description"),
            Type = String(spec, "type"),
            Lifecycle = String(spec, "lifecycle"),
            Owner = Reference(spec, "owner", "group", ns),
            System = Reference(spec, "system", "system", ns),
            Tags = metadata.TryGetProperty("tags", out var tags) && tags.ValueKind == JsonValueKind.Array
                ? tags.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String).Select(t => t.GetString()!).ToArray()
                : [],
            FilterKeys = CatalogFilterKeys.Build(root),
            Document = document,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    /// <summary>Updates a stored entity from a freshly mapped one, keeping its identity, location and creation time.</summary>
    public static void CopyInto(CatalogEntity target, CatalogEntity fresh)
    {
        (target.Kind, target.Namespace, target.Name, target.Title, target.Description) = (fresh.Kind, fresh.Namespace, fresh.Name, fresh.Title, fresh.Description);
        (target.Type, target.Lifecycle, target.Owner, target.System, target.Tags) = (fresh.Type, fresh.Lifecycle, fresh.Owner, fresh.System, fresh.Tags);
        target.FilterKeys = fresh.FilterKeys;
        target.Document = fresh.Document;
        target.UpdatedAt = fresh.UpdatedAt;
    }

    private static string? String(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static string? Reference(JsonElement spec, string property, string defaultKind, string ns)
    {
        var value = String(spec, property);
        return string.IsNullOrWhiteSpace(value) ? null : EntityRef.Parse(value, defaultKind, ns).ToString();
    }
}
