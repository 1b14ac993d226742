using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;

namespace Portal.Web.Features.Catalog;

/// <summary>
/// Who an entity stands for, for messages to people (the inbox): a User is themselves, a Group its members and the
/// members of its sub-groups, any other entity the people of its owner. Only Users in the catalog (not orphaned) count.
/// </summary>
public static class CatalogPeople
{
    /// <summary>At most this many groups are walked for one request (deep or cyclic hierarchies end here).</summary>
    public const int MaxGroups = 500;

    /// <summary>The User refs <paramref name="entityRefs"/> stand for, and the refs that name no entity.</summary>
    public static async Task<(IReadOnlyList<string> People, IReadOnlyList<string> Unknown)> ResolveAsync(PortalDbContext db,
        IEnumerable<string> entityRefs, CancellationToken cancellationToken)
    {
        var refs = entityRefs.Select(r => r.ToLowerInvariant()).Distinct().ToList();
        var entities = db.CatalogEntities;
        var found = await entities.AsNoTracking().Where(e => refs.Contains(e.EntityRef) && e.OrphanedAt == null)
            .Select(e => new { e.EntityRef, e.Kind, e.Owner }).ToListAsync(cancellationToken);
        var unknown = refs.Except(found.Select(f => f.EntityRef)).ToList();
        var people = new HashSet<string>(StringComparer.Ordinal);
        var groups = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entity in found)
        {
            if (entity.Kind == CatalogKinds.User)
            {
                people.Add(entity.EntityRef);
            }
            else if (entity.Kind == CatalogKinds.Group)
            {
                groups.Add(entity.EntityRef);
            }
            else if (entity.Owner is { } owner)
            {
                if (owner.StartsWith("user:", StringComparison.Ordinal))
                {
                    people.Add(owner);
                }
                else
                {
                    groups.Add(owner);
                }
            }
        }
        // Membership as the team directory has it: only trusted Groups and Users say who is in a team.
        var relations = CatalogTeamDirectory.TrustedRelations(db);
        var frontier = groups.ToList();
        while (frontier.Count > 0 && groups.Count <= MaxGroups)
        {
            var members = await relations
                .Where(r => (frontier.Contains(r.SourceRef) && (r.Type == EntityRelations.HasMember || r.Type == EntityRelations.ParentOf))
                            || (frontier.Contains(r.TargetRef) && (r.Type == EntityRelations.MemberOf || r.Type == EntityRelations.ChildOf)))
                .Select(r => frontier.Contains(r.SourceRef) ? r.TargetRef : r.SourceRef)
                .Distinct().ToListAsync(cancellationToken);
            frontier = [];
            foreach (var member in members)
            {
                if (member.StartsWith("user:", StringComparison.Ordinal))
                {
                    people.Add(member);
                }
                else if (member.StartsWith("group:", StringComparison.Ordinal) && groups.Add(member))
                {
                    frontier.Add(member);
                }
            }
        }
        // Only people who are in the catalog now.
        var candidates = people.ToList();
        var present = await entities.AsNoTracking().Where(e => candidates.Contains(e.EntityRef) && e.Kind == CatalogKinds.User && e.OrphanedAt == null)
            .Select(e => e.EntityRef).ToListAsync(cancellationToken);
        return (present.Order(StringComparer.Ordinal).ToList(), unknown);
    }

    /// <summary>Every User in the catalog (a broadcast), at most <paramref name="max"/>.</summary>
    public static async Task<IReadOnlyList<string>> EveryoneAsync(PortalDbContext db, int max, CancellationToken cancellationToken) =>
        await db.CatalogEntities.AsNoTracking().Where(e => e.Kind == CatalogKinds.User && e.OrphanedAt == null)
            .OrderBy(e => e.EntityRef).Select(e => e.EntityRef).Take(max).ToListAsync(cancellationToken);
}
