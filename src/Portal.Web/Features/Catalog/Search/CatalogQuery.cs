namespace Portal.Web.Features.Catalog.Search;

/// <summary>A catalog query as the API takes it (Backstage's filter, fullTextFilterTerm, orderField, limit, cursor and fields).</summary>
public sealed record CatalogQuery(
    IReadOnlyList<string> Filters,
    string? FullText = null,
    string? OrderField = null,
    int Limit = 50,
    string? Cursor = null,
    IReadOnlyList<string>? Fields = null,
    bool IncludeOrphans = true,
    IReadOnlyList<string>? FullTextFields = null);
