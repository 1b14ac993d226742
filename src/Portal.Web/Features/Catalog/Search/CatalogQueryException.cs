namespace Portal.Web.Features.Catalog.Search;

/// <summary>A query a user wrote wrongly: answered with 400 and this message.</summary>
public sealed class CatalogQueryException(string message) : Exception(message);
