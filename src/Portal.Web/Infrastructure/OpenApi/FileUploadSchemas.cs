using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Portal.Web.Infrastructure.OpenApi;

/// <summary>
/// An uploaded file is a binary string in place, not a model: the generator refers form fields to a shared
/// <c>IFormFile</c> schema, and client generators (NSwag) then name a file parameter type they never declare.
/// Form fields get the binary schema inline, and the component goes.
/// </summary>
public sealed class FileUploadSchemas : IOpenApiDocumentTransformer
{
    private const string FormFile = "IFormFile";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var operation in (document.Paths ?? []).Values.SelectMany(p => p.Operations ?? []).Select(o => o.Value))
        {
            foreach (var media in (operation.RequestBody?.Content ?? new Dictionary<string, OpenApiMediaType>()).Values)
            {
                if (media.Schema is OpenApiSchema { Properties: { } properties })
                {
                    foreach (var name in properties.Keys.ToList())
                    {
                        if (properties[name] is OpenApiSchemaReference { Reference.Id: FormFile })
                        {
                            properties[name] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" };
                        }
                    }
                }
            }
        }
        document.Components?.Schemas?.Remove(FormFile);
        return Task.CompletedTask;
    }
}
