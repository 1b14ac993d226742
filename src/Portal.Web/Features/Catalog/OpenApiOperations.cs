using System.Text.Json.Nodes;

namespace Portal.Web.Features.Catalog;

/// <summary>
/// An OpenAPI 3.x (or Swagger 2) document read as a person reads it: per operation its parameters, request body and
/// responses, with schemas named by type (<c>array of Pet</c>) rather than printed whole. Local <c>$ref</c>s are followed.
/// </summary>
public static class OpenApiOperations
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

    public static List<ApiOperation> Read(JsonObject document)
    {
        var operations = new List<ApiOperation>();
        if (document["paths"] is not JsonObject paths)
        {
            return operations;
        }
        foreach (var (path, node) in paths)
        {
            if (Resolve(document, node) is not JsonObject pathItem)
            {
                continue;
            }
            var shared = pathItem["parameters"] as JsonArray;
            foreach (var method in Methods)
            {
                if (pathItem[method] is not JsonObject operation)
                {
                    continue;
                }
                var parameters = (shared ?? []).Concat(operation["parameters"] as JsonArray ?? [])
                    .Select(p => Resolve(document, p) as JsonObject).OfType<JsonObject>()
                    .Where(p => CatalogJson.Text(p, "in") != "body")
                    .Select(p => new ApiParameter(CatalogJson.Text(p, "name") ?? "", CatalogJson.Text(p, "in") ?? "",
                        p["required"]?.GetValueKind() == System.Text.Json.JsonValueKind.True, TypeOf(p["schema"] ?? p), CatalogJson.Text(p, "description"),
                        ExampleOf(p, p["schema"] as JsonObject)))
                    // A path-level parameter is replaced by an operation's of the same name and place.
                    .GroupBy(p => (p.Name, p.In)).Select(g => g.Last()).ToList();
                var body = Resolve(document, operation["requestBody"]) as JsonObject;
                var swaggerBody = (operation["parameters"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(p => CatalogJson.Text(p, "in") == "body");
                var requestBody = body is not null ? Contents(body) : swaggerBody is not null ? [new ApiContent("application/json", TypeOf(swaggerBody["schema"]))] : [];
                var responses = (operation["responses"] as JsonObject ?? [])
                    .Select(r => (Status: r.Key, Response: Resolve(document, r.Value) as JsonObject))
                    .Select(r => new ApiResponse(r.Status, CatalogJson.Text(r.Response, "description"),
                        r.Response is null ? [] : r.Response["content"] is not null ? Contents(r.Response)
                            : r.Response["schema"] is { } schema ? [new ApiContent("", TypeOf(schema))] : []))
                    .ToList();
                var tag = (operation["tags"] as JsonArray)?.FirstOrDefault()?.ToString() ?? "";
                operations.Add(new ApiOperation(tag, method.ToUpperInvariant(), path,
                    CatalogJson.Text(operation, "summary") ?? CatalogJson.Text(operation, "operationId") ?? "", CatalogJson.Text(operation, "description"),
                    parameters, requestBody, body?["required"]?.GetValueKind() == System.Text.Json.JsonValueKind.True || swaggerBody is not null, responses));
            }
        }
        return operations;
    }

    private static List<ApiContent> Contents(JsonObject holder) =>
        (holder["content"] as JsonObject ?? []).Select(c => new ApiContent(c.Key, TypeOf((c.Value as JsonObject)?["schema"]),
            c.Value is JsonObject media ? ExampleOf(media, media["schema"] as JsonObject) : null)).ToList();

    private static readonly System.Text.Json.JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>
    /// An example as OpenAPI places it: <c>example</c>, the first of <c>examples</c> (3.0 named examples with a
    /// <c>value</c>), or the schema's own <c>example</c>/<c>examples</c>. Strings come back as their text.
    /// </summary>
    public static string? ExampleOf(JsonObject holder, JsonObject? schema)
    {
        var example = holder["example"]
            ?? (holder["examples"] as JsonObject)?.Select(e => (e.Value as JsonObject)?["value"]).FirstOrDefault(v => v is not null)
            ?? schema?["example"]
            ?? (schema?["examples"] as JsonArray)?.FirstOrDefault();
        return example switch
        {
            null => null,
            JsonValue value when value.GetValueKind() == System.Text.Json.JsonValueKind.String => value.GetValue<string>(),
            _ => example.ToJsonString(Indented),
        };
    }

    /// <summary>A schema as a short type: <c>string (uuid)</c>, <c>array of Pet</c>, <c>integer | null</c>; a referenced schema by its name.</summary>
    public static string TypeOf(JsonNode? schema)
    {
        if (schema is not JsonObject s)
        {
            return "";
        }
        if (CatalogJson.Text(s, "$ref") is { } reference)
        {
            return reference[(reference.LastIndexOf('/') + 1)..];
        }
        foreach (var combinator in new[] { "oneOf", "anyOf", "allOf" })
        {
            if (s[combinator] is JsonArray choices)
            {
                return string.Join(combinator == "allOf" ? " & " : " | ", choices.Select(TypeOf).Where(t => t.Length > 0).Distinct());
            }
        }
        var types = s["type"] switch
        {
            JsonArray many => many.Select(t => t?.ToString() ?? "").ToList(),
            JsonValue one => [one.ToString()],
            _ => [],
        };
        if (types.Contains("string") && (types.Contains("integer") || types.Contains("number")))
        {
            types.Remove("string"); // ASP.NET's numbers also accept their text form: one type for a reader
        }
        var format = CatalogJson.Text(s, "format");
        var named = types.Select(t => t switch
        {
            "array" => "array of " + (TypeOf(s["items"]) is { Length: > 0 } item ? item : "any"),
            "object" when s["additionalProperties"] is JsonObject values => "map of " + TypeOf(values),
            _ => format is null || t == "null" ? t : $"{t} ({format})",
        }).ToList();
        if (s["enum"] is JsonArray values2 && values2.Count <= 8)
        {
            named.Add("one of " + string.Join(", ", values2.Select(v => v?.ToString())));
        }
        return named.Count == 0 ? "object" : string.Join(" | ", named);
    }

    private static JsonNode? Resolve(JsonObject document, JsonNode? node)
    {
        // Local references only (#/components/...): a document never makes the portal fetch anything.
        for (var hops = 0; hops < 8 && node is JsonObject o && CatalogJson.Text(o, "$ref") is { } reference && reference.StartsWith("#/", StringComparison.Ordinal); hops++)
        {
            JsonNode? target = document;
            foreach (var part in reference[2..].Split('/'))
            {
                target = (target as JsonObject)?[part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)];
            }
            if (target is null)
            {
                return node;
            }
            node = target;
        }
        return node;
    }
}
