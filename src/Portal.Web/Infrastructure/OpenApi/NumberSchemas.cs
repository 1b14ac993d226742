using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Portal.Web.Infrastructure.OpenApi;

/// <summary>
/// The web JSON defaults also read numbers written as strings, so the generator types every number as
/// "integer or string" with a pattern. The portal always writes numbers, and clients should send them: the document
/// keeps the number alone, so generated clients get <c>int</c> and <c>decimal</c> rather than an untyped union.
/// </summary>
public sealed class NumberSchemas : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (schema.Type is { } type && type.HasFlag(JsonSchemaType.String) && (type.HasFlag(JsonSchemaType.Integer) || type.HasFlag(JsonSchemaType.Number)))
        {
            schema.Type = type & ~JsonSchemaType.String;
            schema.Pattern = null;
        }
        return Task.CompletedTask;
    }
}
