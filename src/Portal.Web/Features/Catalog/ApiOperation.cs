namespace Portal.Web.Features.Catalog;

/// <summary>One operation of an OpenAPI document as <see cref="OpenApiOperations"/> reads it; its parts are declared with it.</summary>
public sealed record ApiOperation(string Tag, string Method, string Path, string Summary, string? Description, IReadOnlyList<ApiParameter> Parameters,
    IReadOnlyList<ApiContent> RequestBody, bool RequestBodyRequired, IReadOnlyList<ApiResponse> Responses);

/// <param name="Example">The document's example value as JSON text, if it gives one.</param>
public sealed record ApiParameter(string Name, string In, bool Required, string Type, string? Description, string? Example = null);

/// <param name="Example">The document's example body, indented JSON, if it gives one.</param>
public sealed record ApiContent(string ContentType, string Type, string? Example = null);

public sealed record ApiResponse(string Status, string? Description, IReadOnlyList<ApiContent> Content);
