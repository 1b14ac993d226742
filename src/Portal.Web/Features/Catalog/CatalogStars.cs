using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;

namespace Portal.Web.Features.Catalog;

/// <summary>A person's starred entities: the catalog page's "Starred" view, the star on entity pages and the API.</summary>
public static class CatalogStars
{
    /// <summary>Enough for anyone's favourites, and a bound on the filter the Starred view sends.</summary>
    public const int MaxPerPerson = 200;

    public enum Outcome
    {
        Done,
        NoSuchEntity,
        TooMany,
    }

    /// <summary>The refs the person starred, oldest first.</summary>
    public static Task<List<string>> ListAsync(PortalDbContext db, string userId, CancellationToken cancellationToken) =>
        db.CatalogStars.AsNoTracking().Where(s => s.UserId == userId).OrderBy(s => s.CreatedAt).ThenBy(s => s.EntityRef)
            .Select(s => s.EntityRef).ToListAsync(cancellationToken);

    public static Task<bool> IsStarredAsync(PortalDbContext db, string userId, EntityRef entity, CancellationToken cancellationToken)
    {
        var key = entity.ToString();
        return db.CatalogStars.AnyAsync(s => s.UserId == userId && s.EntityRef == key, cancellationToken);
    }

    /// <summary>Stars or unstars; doing it twice is the same as once.</summary>
    public static async Task<Outcome> SetAsync(PortalDbContext db, string userId, EntityRef entity, bool starred, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var key = entity.ToString();
        if (!starred)
        {
            await db.CatalogStars.Where(s => s.UserId == userId && s.EntityRef == key).ExecuteDeleteAsync(cancellationToken);
            return Outcome.Done;
        }
        if (!await db.CatalogEntities.AnyAsync(e => e.EntityRef == key, cancellationToken))
        {
            return Outcome.NoSuchEntity;
        }
        if (await db.CatalogStars.CountAsync(s => s.UserId == userId, cancellationToken) >= MaxPerPerson)
        {
            return await IsStarredAsync(db, userId, entity, cancellationToken) ? Outcome.Done : Outcome.TooMany;
        }
        // ON CONFLICT: two tabs starring at once both succeed.
        await db.Database.ExecuteSqlInterpolatedAsync(
            $"INSERT INTO catalog_stars (user_id, entity_ref, created_at) VALUES ({userId}, {key}, {now}) ON CONFLICT DO NOTHING", cancellationToken);
        return Outcome.Done;
    }

    /// <summary>
    /// The Starred view as catalog filters: one per starred entity (repeated filters are OR), each with the page's
    /// other selections (<paramref name="and"/>) appended, so facets and paging work as for any other view.
    /// </summary>
    public static List<string> AsFilters(IEnumerable<string> refs, string and) =>
        refs.Select(r => EntityRef.Parse(r))
            .Select(r => string.Join(',', new[] { $"kind={r.Kind}", $"metadata.namespace={r.Namespace}", $"metadata.name={r.Name}", and }
                .Where(part => part.Length > 0)))
            .ToList();
}
