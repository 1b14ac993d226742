namespace Portal.Web.Features.Catalog.Search;

/// <summary>One value of a facet and how many entities have it.</summary>
public sealed record FacetValue(string Value, int Count);
