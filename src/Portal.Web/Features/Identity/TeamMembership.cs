using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;

namespace Portal.Web.Features.Identity;

/// <summary>A catalog Group as far as membership is concerned.</summary>
public sealed record GroupFacts(string Ref, string? ParentRef, IReadOnlyCollection<string> MemberRefs);

/// <summary>Which catalog teams a person belongs to: direct membership plus every parent group.</summary>
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

    /// <summary>Loads what <see cref="Resolve"/> needs from the catalog and resolves it.</summary>
    public static async Task<(string? UserRef, IReadOnlySet<string> Teams)> LoadAsync(PortalDbContext db, string? userName, string? email,
        IEnumerable<string> providerGroups, CancellationToken cancellationToken)
    {
        var users = db.CatalogEntities.AsNoTracking().Where(e => e.Kind == "User");
        CatalogEntity? user = null;
        if (!string.IsNullOrWhiteSpace(email))
        {
            var pattern = CatalogQueries.EscapeLike(email.Trim());
            user = await users.FirstOrDefaultAsync(e =>
                EF.Functions.ILike(e.Document.RootElement.GetProperty("spec").GetProperty("profile").GetProperty("email").GetString()!, pattern),
                cancellationToken);
        }
        if (user is null && !string.IsNullOrWhiteSpace(userName))
        {
            var key = new EntityRef("User", EntityRef.DefaultNamespace, userName).ToString();
            user = await users.FirstOrDefaultAsync(e => e.EntityRef == key, cancellationToken);
        }

        var groupEntities = await db.CatalogEntities.AsNoTracking().Where(e => e.Kind == "Group").ToListAsync(cancellationToken);
        var groups = groupEntities.Select(g => new GroupFacts(
            g.EntityRef,
            RefOrNull(Spec(g.Document, "parent"), "group", g.Namespace),
            Refs(g.Document, "members", "user", g.Namespace))).ToList();
        var memberOf = user is null ? [] : Refs(user.Document, "memberOf", "group", user.Namespace);
        var provider = providerGroups.Select(name => EntityRef.Parse(name, "group").ToString());
        return (user?.EntityRef, Resolve(user?.EntityRef, memberOf, provider, groups));
    }

    private static string? Spec(JsonDocument document, string field) =>
        document.RootElement.TryGetProperty("spec", out var spec) && spec.ValueKind == JsonValueKind.Object
        && spec.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string? RefOrNull(string? value, string kind, string ns) =>
        string.IsNullOrWhiteSpace(value) ? null : EntityRef.Parse(value, kind, ns).ToString();

    private static List<string> Refs(JsonDocument document, string field, string kind, string ns) =>
        document.RootElement.TryGetProperty("spec", out var spec) && spec.ValueKind == JsonValueKind.Object
        && spec.TryGetProperty(field, out var values) && values.ValueKind == JsonValueKind.Array
            ? values.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => EntityRef.Parse(v.GetString()!, kind, ns).ToString()).ToList()
            : [];
}
