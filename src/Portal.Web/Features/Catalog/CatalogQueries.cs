using Microsoft.EntityFrameworkCore;

namespace Portal.Web.Features.Catalog;

public static class CatalogQueries
{
    /// <summary>Filters shared by the catalog page and the API. Matching is case-insensitive.</summary>
    public static IQueryable<CatalogEntity> Filter(IQueryable<CatalogEntity> query, string? kind, string? owner, string? text)
    {
        if (!string.IsNullOrWhiteSpace(kind))
        {
            var k = CatalogEntityMapper.CanonicalKind(kind.Trim());
            query = query.Where(e => e.Kind == k);
        }
        if (!string.IsNullOrWhiteSpace(owner))
        {
            var o = owner.Contains(':', StringComparison.Ordinal) ? owner.Trim().ToLowerInvariant() : EntityRef.Parse(owner, "group").ToString();
            query = query.Where(e => e.Owner == o);
        }
        if (!string.IsNullOrWhiteSpace(text))
        {
            var pattern = "%" + EscapeLike(text.Trim()) + "%";
            query = query.Where(e => EF.Functions.ILike(e.Name, pattern)
                || (e.Title != null && EF.Functions.ILike(e.Title, pattern))
                || (e.Description != null && EF.Functions.ILike(e.Description, pattern)));
        }
        return query;
    }

    public static string EscapeLike(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}
