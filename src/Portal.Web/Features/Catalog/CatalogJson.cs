using System.Text.Json.Nodes;

namespace Portal.Web.Features.Catalog;

public static class CatalogJson
{
    /// <summary>The scalar at <paramref name="path"/> (e.g. "spec", "owner") as text, or null when absent or not a scalar.</summary>
    public static string? Text(JsonNode? node, params string[] path)
    {
        foreach (var p in path)
        {
            node = node is JsonObject o && o.TryGetPropertyValue(p, out var child) ? child : null;
        }
        return node is JsonValue v ? v.ToString() : null;
    }
}
