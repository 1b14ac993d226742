using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Portal.Web.Infrastructure.OpenApi;

/// <summary>
/// One RFC 9457 problem schema and one validation-problem schema (with the field map) for the whole API. The framework
/// names the same shape after each .NET type it came from (HttpValidationProblemDetails, ValidationProblemDetails);
/// every error response that carries a problem is pointed at the shared pair instead.
/// </summary>
public sealed class ProblemDetailsSchemas : IOpenApiDocumentTransformer
{
    public const string Problem = "ProblemDetails";
    public const string ValidationProblem = "ValidationProblemDetails";
    private static readonly string[] ValidationTypes = ["HttpValidationProblemDetails", "ValidationProblemDetails"];

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal);
        document.Components.Schemas[Problem] = ProblemSchema();
        document.Components.Schemas[ValidationProblem] = ValidationSchema(document);
        document.Components.Schemas.Remove("HttpValidationProblemDetails");

        foreach (var (path, operation) in (document.Paths ?? []).SelectMany(p => (p.Value.Operations ?? []).Select(o => (p.Key, o.Value))))
        {
            foreach (var (status, response) in operation.Responses ?? [])
            {
                // An error nothing else describes is the problem body ApiProblemBodies writes for every /api error.
                if (path.StartsWith("/api/", StringComparison.Ordinal) && int.TryParse(status, out var code) && code >= 400
                    && response is OpenApiResponse { Content: null or { Count: 0 } } bare)
                {
                    bare.Content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal)
                    {
                        ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(Problem, document) },
                    };
                    continue;
                }
                foreach (var media in (response.Content ?? new Dictionary<string, OpenApiMediaType>()).Values)
                {
                    if (media.Schema is OpenApiSchemaReference reference && reference.Reference.Id is { } id)
                    {
                        if (ValidationTypes.Contains(id, StringComparer.Ordinal))
                        {
                            media.Schema = new OpenApiSchemaReference(ValidationProblem, document);
                        }
                        else if (id == Problem)
                        {
                            media.Schema = new OpenApiSchemaReference(Problem, document);
                        }
                    }
                }
            }
        }
        return Task.CompletedTask;
    }

    private static OpenApiSchema ProblemSchema() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "An RFC 9457 problem: what went wrong, for people (title, detail) and programs (type, status). "
            + "Further members may appear (e.g. traceId).",
        Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal)
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null, Description = "A URI reference naming the kind of problem.", Examples = [JsonValue.Create("https://tools.ietf.org/html/rfc9110#section-15.5.1")] },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null, Description = "A short summary of the kind of problem.", Examples = [JsonValue.Create("Not allowed")] },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer | JsonSchemaType.Null, Format = "int32", Description = "The HTTP status code.", Examples = [JsonValue.Create(403)] },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null, Description = "What happened in this case." },
            ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null, Description = "A URI reference for this occurrence." },
        },
    };

    private static OpenApiSchema ValidationSchema(OpenApiDocument document) => new()
    {
        Description = "A problem with the invalid fields: each field name maps to its messages.",
        AllOf =
        [
            new OpenApiSchemaReference(Problem, document),
            new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal)
                {
                    ["errors"] = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Object,
                        Description = "Messages per field (or per part of the request).",
                        AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
                        Examples = [new JsonObject { ["name"] = new JsonArray("Give the environment a name.") }],
                    },
                },
            },
        ],
    };
}
