using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Portal.IntegrationTests.ScaleOut;

/// <summary>
/// Checks an object against a CustomResourceDefinition's openAPIV3Schema as the API server admits it: the JSON
/// schema (types, enums, ranges, required) through NJsonSchema, plus the server's strict field validation (a field
/// the schema does not declare is an error, unless the schema preserves unknown fields).
/// </summary>
public static class CrdValidation
{
    private static readonly string SchemaFile = Path.Combine(AppContext.BaseDirectory, "Foundation", "TestData", "cnpg", "clusters.postgresql.cnpg.io.v1.schema.json");

    public static async Task<List<string>> ProblemsAsync(JsonObject resource)
    {
        var text = await File.ReadAllTextAsync(SchemaFile);
        var schema = await NJsonSchema.JsonSchema.FromJsonAsync(text);
        var problems = schema.Validate(resource.ToJsonString()).Select(e => $"{e.Path}: {e.Kind}").ToList();
        Unknown(resource, JsonNode.Parse(text)!.AsObject(), "", problems);
        return problems;
    }

    private static void Unknown(JsonNode? value, JsonObject schema, string path, List<string> problems)
    {
        if (schema["x-kubernetes-preserve-unknown-fields"]?.GetValue<bool>() == true)
        {
            return;
        }
        if (value is JsonObject obj && schema["properties"] is JsonObject properties)
        {
            foreach (var (key, child) in obj)
            {
                if (properties[key] is JsonObject childSchema)
                {
                    Unknown(child, childSchema, $"{path}.{key}", problems);
                }
                else if (schema["additionalProperties"] is null)
                {
                    problems.Add($"{path}.{key}: unknown field");
                }
            }
        }
        else if (value is JsonArray array && schema["items"] is JsonObject items)
        {
            foreach (var item in array)
            {
                Unknown(item, items, path + "[]", problems);
            }
        }
    }

    /// <summary>A YAML node as JSON, with YAML 1.2 core typing of plain scalars (numbers, booleans, null) as kubectl reads them.</summary>
    public static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, ToJson(c.Value)))),
        YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(ToJson)]),
        YamlScalarNode { Style: ScalarStyle.Plain, Value: var v } when v is "true" or "false" => JsonValue.Create(v == "true"),
        YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "null" or "~" or "" } => null,
        YamlScalarNode { Style: ScalarStyle.Plain, Value: var v } when long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) => JsonValue.Create(l),
        YamlScalarNode { Style: ScalarStyle.Plain, Value: var v } when double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => JsonValue.Create(d),
        YamlScalarNode scalar => JsonValue.Create(scalar.Value),
        _ => throw new NotSupportedException(node.GetType().Name),
    };
}
