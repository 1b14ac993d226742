namespace Portal.Web.Features.Catalog;

/// <summary>The body of <c>POST /api/catalog/locations</c> (Backstage's addLocation) and of a template's <c>catalog:register</c>.</summary>
public sealed record RegisterLocationRequest(string? Type, string? Target, string? Branch, string? Path);
