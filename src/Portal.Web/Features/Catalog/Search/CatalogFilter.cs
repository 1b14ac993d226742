namespace Portal.Web.Features.Catalog.Search;

/// <summary>
/// Backstage's filter syntax (<c>kind=component,spec.type=service</c>), parsed once for both ways a query is answered:
/// <see cref="CatalogSearch"/> (PostgreSQL) and <see cref="CatalogSearchIndex"/> (memory). Its own class so the index
/// depends on the syntax, not on the SQL path that calls it: the request goes one way, search to index.
/// </summary>
internal static class CatalogFilter
{
    /// <summary>
    /// One filter's conditions, one per key: the key in lower case, its first part as written (for messages), and
    /// its distinct values, or null for "key" alone (the field exists), which already covers every value.
    /// </summary>
    public static IEnumerable<(string Part, string Key, string[]? Values)> Conditions(string filter) =>
        filter.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(part =>
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            return (Part: part, Key: (eq < 0 ? part : part[..eq]).Trim().ToLowerInvariant(), Value: eq < 0 ? null : part[(eq + 1)..].Trim());
        }).GroupBy(p => p.Key).Select(byKey => (byKey.First().Part, byKey.Key,
            byKey.Any(p => p.Value is null) ? null : byKey.Select(p => p.Value!).Distinct(StringComparer.OrdinalIgnoreCase).ToArray()));
}
