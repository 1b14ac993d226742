namespace Portal.Web.Features.Identity;

/// <summary>A catalog Group as far as membership is concerned.</summary>
public sealed record GroupFacts(string Ref, string? ParentRef, IReadOnlyCollection<string> MemberRefs);

/// <summary>
/// Which catalog teams a person belongs to: direct membership plus every parent group. Pure: the catalog loads the facts
/// (<see cref="TeamDirectory"/>, implemented by the catalog), so Identity does not depend on the catalog.
/// </summary>
public static class TeamMembership
{
    /// <summary>
    /// <paramref name="userRef"/>'s groups are those its User entity lists in <c>memberOf</c>, those
    /// that list it in <c>members</c>, and groups named by the identity provider; each brings its
    /// ancestors through <c>parent</c> (cycles are tolerated).
    /// </summary>
    public static IReadOnlySet<string> Resolve(string? userRef, IEnumerable<string> memberOf, IEnumerable<string> providerGroups,
        IReadOnlyCollection<GroupFacts> groups)
    {
        var byRef = groups.ToDictionary(g => g.Ref, StringComparer.OrdinalIgnoreCase);
        var direct = new HashSet<string>(memberOf.Concat(providerGroups), StringComparer.OrdinalIgnoreCase);
        if (userRef is not null)
        {
            direct.UnionWith(groups.Where(g => g.MemberRefs.Contains(userRef, StringComparer.OrdinalIgnoreCase)).Select(g => g.Ref));
        }

        var result = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var group in direct)
        {
            var current = group;
            while (current is not null && result.Add(current))
            {
                current = byRef.TryGetValue(current, out var facts) ? facts.ParentRef : null;
            }
        }
        return result;
    }
}
