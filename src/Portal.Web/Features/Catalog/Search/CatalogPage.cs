using System.Text.Json.Nodes;

namespace Portal.Web.Features.Catalog.Search;

/// <summary>One page of a catalog query: the entities, the total and the cursors to the neighbouring pages.</summary>
public sealed record CatalogPage(IReadOnlyList<JsonObject> Items, int TotalItems, PageInfo PageInfo);

public sealed record PageInfo(string? NextCursor, string? PrevCursor);
