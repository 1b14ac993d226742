using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Portal.Web.Infrastructure.OpenApi;

/// <summary>
/// Enums travel as numbers (the portal's JSON has no string-enum converter), which a bare <c>integer</c> schema leaves
/// unexplained. Each enum schema lists its values, names them in the description, and carries <c>x-enumNames</c> so
/// generators (NSwag, Kiota) make a named enum rather than an int.
/// </summary>
public sealed class EnumSchemas : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) ?? context.JsonTypeInfo.Type;
        if (!type.IsEnum || schema.Type is not { } kind || !kind.HasFlag(JsonSchemaType.Integer) || schema.Enum is { Count: > 0 })
        {
            return Task.CompletedTask;
        }
        var values = Enum.GetValues(type).Cast<object>().Select(v => (Name: v.ToString()!, Number: Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture))).ToList();
        schema.Enum = [.. values.Select(v => (JsonNode)JsonValue.Create(v.Number))];
        schema.Description ??= string.Join(", ", values.Select(v => $"{v.Number} = {v.Name}")) + ".";
        schema.Extensions ??= new Dictionary<string, IOpenApiExtension>(StringComparer.Ordinal);
        schema.Extensions["x-enumNames"] = new JsonNodeExtension(new JsonArray([.. values.Select(v => (JsonNode)JsonValue.Create(v.Name))]));
        return Task.CompletedTask;
    }
}
