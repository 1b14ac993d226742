namespace Portal.Web.Infrastructure.OpenApi;

/// <summary>The portal's OpenAPI document (<c>/openapi/v1.json</c>): the generator and the transformers that make it a contract.</summary>
public static class OpenApiSetup
{
    public const string DocumentName = "v1";

    public static IServiceCollection AddPortalOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(DocumentName, o =>
        {
            o.AddSchemaTransformer<NumberSchemas>();
            o.AddSchemaTransformer<EnumSchemas>();
            o.AddOperationTransformer<SecurityRequirementTransformer>();
            o.AddOperationTransformer<RequestExamples>();
            o.AddDocumentTransformer<SecuritySchemesTransformer>();
            o.AddDocumentTransformer<ProblemDetailsSchemas>();
            o.AddDocumentTransformer<FileUploadSchemas>();
            o.AddDocumentTransformer<SharedParameters>();
            o.AddDocumentTransformer<DocumentInfo>();
        });

    /// <summary>Serves the document to signed-in callers (cookie or token); people read it rendered at /api-docs.</summary>
    public static void MapPortalOpenApi(this WebApplication app) => app.MapOpenApi().RequireAuthorization();
}
