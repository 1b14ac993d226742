using System.Text.Json;

namespace Portal.Web.Features.Catalog;

/// <summary>
/// Every filterable <c>path=value</c> (and bare <c>path</c>, for "has this field") of a descriptor,
/// lower-cased, stored in one GIN-indexed text[] column. Backstage filters on any field, match
/// case-insensitively and let arrays match any item; one containment test (<c>@&gt;</c>) does all three.
/// </summary>
public static class CatalogFilterKeys
{
    /// <summary>Long values (API definitions, big annotations) are not filter material.</summary>
    public const int MaxValueLength = 200;

    public static string[] Build(JsonElement root)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in root.EnumerateObject())
        {
            if (property.NameEquals("relations") || property.NameEquals("status"))
            {
                continue;
            }
            Walk(property.Value, property.Name, keys, depth: 0);
        }
        return keys.Order(StringComparer.Ordinal).ToArray();
    }

    public static string Key(string path, string value) => $"{path.ToLowerInvariant()}={value.ToLowerInvariant()}";

    private static void Walk(JsonElement element, string path, HashSet<string> keys, int depth)
    {
        if (depth > 8 || path.Length > 200 || path == "spec.definition")
        {
            keys.Add(path.ToLowerInvariant());
            return;
        }
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                keys.Add(path.ToLowerInvariant());
                foreach (var property in element.EnumerateObject())
                {
                    Walk(property.Value, $"{path}.{property.Name}", keys, depth + 1);
                }
                break;
            case JsonValueKind.Array:
                keys.Add(path.ToLowerInvariant());
                foreach (var item in element.EnumerateArray())
                {
                    if (item.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)
                    {
                        AddValue(item, path, keys);
                    }
                }
                break;
            case JsonValueKind.Null:
            case JsonValueKind.Undefined:
                break;
            default:
                keys.Add(path.ToLowerInvariant());
                AddValue(element, path, keys);
                break;
        }
    }

    private static void AddValue(JsonElement value, string path, HashSet<string> keys)
    {
        var text = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
        if (text.Length <= MaxValueLength)
        {
            keys.Add(Key(path, text));
        }
    }
}
