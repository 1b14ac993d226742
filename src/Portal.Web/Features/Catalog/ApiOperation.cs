namespace Portal.Web.Features.Catalog;

/// <summary>One operation of an OpenAPI document as <see cref="OpenApiOperations"/> reads it; its parts are declared with it.</summary>
public sealed record ApiOperation(string Tag, string Method, string Path, string Summary, string? Description, IReadOnlyList<ApiParameter> Parameters,
    IReadOnlyList<ApiContent> RequestBody, bool RequestBodyRequired, IReadOnlyList<ApiResponse> Responses);

public sealed record ApiParameter(string Name, string In, bool Required, string Type, string? Description);

public sealed record ApiContent(string ContentType, string Type);

public sealed record ApiResponse(string Status, string? Description, IReadOnlyList<ApiContent> Content);
