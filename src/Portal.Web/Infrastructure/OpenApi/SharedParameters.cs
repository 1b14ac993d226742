using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Portal.Web.Infrastructure.OpenApi;

/// <summary>
/// Query parameters that mean the same everywhere (cursor paging, catalog filters, the team/component/time filters)
/// are described once in <c>components.parameters</c> and referenced by every operation that takes them, so a client
/// author reads one definition and a generator makes one type.
/// </summary>
public sealed class SharedParameters : IOpenApiDocumentTransformer
{
    private sealed record Shared(JsonSchemaType Type, string? Format, string Description, bool Array = false, JsonNode? Example = null);

    private static readonly Dictionary<string, Shared> Parameters = new(StringComparer.Ordinal)
    {
        ["cursor"] = new(JsonSchemaType.String, null,
            "Cursor paging: the opaque `pageInfo.nextCursor` (or `prevCursor`) of the previous answer, passed back unchanged. "
            + "A cursor carries its query (filters, full text, order), so the next page needs only `cursor`, `limit` and `fields`."),
        ["limit"] = new(JsonSchemaType.Integer, "int32", "The largest number of items to return (the operation clamps it to its own range).", Example: JsonValue.Create(50)),
        ["filter"] = new(JsonSchemaType.String, null,
            "A catalog filter: comma-separated `key=value` terms that must all match (`kind=component,spec.type=service`); "
            + "`key` alone means the field exists. Repeat `filter` for alternatives (OR). Matching ignores case.", Array: true,
            Example: new JsonArray("kind=component,spec.lifecycle=production")),
        ["fullText"] = new(JsonSchemaType.String, null, "Words to search for in names, titles and descriptions (typo-tolerant)."),
        ["fields"] = new(JsonSchemaType.String, null, "Return only these paths of each item, e.g. `kind,metadata.name`.", Array: true),
        ["team"] = new(JsonSchemaType.String, null, "A team: a Group reference (`group:default/payments`) or just its name (`payments`)."),
        ["component"] = new(JsonSchemaType.String, null, "A component: a reference (`component:default/cart-api`) or just its name."),
        ["from"] = new(JsonSchemaType.String, "date-time", "Start of the period (inclusive), ISO 8601."),
        ["to"] = new(JsonSchemaType.String, "date-time", "End of the period, ISO 8601."),
    };

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.Parameters ??= new Dictionary<string, IOpenApiParameter>(StringComparer.Ordinal);
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var operation in (document.Paths ?? []).Values.SelectMany(p => p.Operations ?? []).Select(o => o.Value))
        {
            var parameters = operation.Parameters ?? [];
            for (var i = 0; i < parameters.Count; i++)
            {
                if (parameters[i] is OpenApiParameter { In: ParameterLocation.Query, Name: { } name } inline
                    && Parameters.TryGetValue(name, out var shared) && Fits(inline.Schema, shared))
                {
                    parameters[i] = new OpenApiParameterReference(name, document);
                    used.Add(name);
                }
            }
        }
        foreach (var name in used.Order(StringComparer.Ordinal))
        {
            var shared = Parameters[name];
            var scalar = new OpenApiSchema { Type = shared.Type, Format = shared.Format };
            document.Components.Parameters[name] = new OpenApiParameter
            {
                Name = name,
                In = ParameterLocation.Query,
                Description = shared.Description,
                Schema = shared.Array ? new OpenApiSchema { Type = JsonSchemaType.Array, Items = scalar } : scalar,
                Explode = true, // form style, the default: repeated names for arrays
                Example = shared.Example,
            };
        }
        return Task.CompletedTask;
    }

    // Only the same kind of value is replaced: a parameter that happens to share a name but not a type stays its own.
    private static bool Fits(IOpenApiSchema? schema, Shared shared)
    {
        if (schema is null)
        {
            return false;
        }
        var value = shared.Array ? schema.Items : schema;
        if (shared.Array != (schema.Type?.HasFlag(JsonSchemaType.Array) == true) || value?.Type is not { } type)
        {
            return false;
        }
        return type.HasFlag(shared.Type) && (shared.Format is null || string.Equals(value.Format, shared.Format, StringComparison.Ordinal));
    }
}
