using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;
using Portal.Web.Features.Identity;

namespace Portal.Web.Features.Catalog;

/// <summary>
/// The catalog's answer to Identity's <see cref="TeamDirectory"/>: the catalog User a signed-in person maps to and their
/// teams, read from trusted User and Group entities and resolved by <see cref="TeamMembership.Resolve"/>.
/// </summary>
public static class CatalogTeamDirectory
{
    /// <summary>Loads what <see cref="TeamMembership.Resolve"/> needs from the trusted part of the catalog and resolves it.</summary>
    /// <param name="matchByName">False for people from an identity provider: their user name is derived
    /// from their e-mail, so matching it to a catalog User could hand them someone else's teams.</param>
    public static async Task<(string? UserRef, IReadOnlySet<string> Teams)> LoadAsync(PortalDbContext db, string? userName, string? email,
        IEnumerable<string> providerGroups, CancellationToken cancellationToken, bool matchByName = true)
    {
        var user = await FindUserAsync(db, userName, email, matchByName, cancellationToken);
        var groupEntities = await db.CatalogEntities.AsNoTracking().Where(e => e.Kind == CatalogKinds.Group && e.TrustedForIdentity).ToListAsync(cancellationToken);
        var groups = groupEntities.Select(g => new GroupFacts(
            g.EntityRef,
            RefOrNull(Spec(g.Document, "parent"), "group", g.Namespace),
            Refs(g.Document, "members", "user", g.Namespace))).ToList();
        var memberOf = user is null ? [] : Refs(user.Document, "memberOf", "group", user.Namespace);
        var provider = providerGroups.Select(name => TryRef(name, "group", EntityRef.DefaultNamespace)).OfType<string>();
        return (user?.EntityRef, TeamMembership.Resolve(user?.EntityRef, memberOf, provider, groups));
    }

    /// <summary>
    /// The relations of trusted User and Group entities (those <see cref="LoadAsync"/> resolves teams from): every other
    /// read of who is in a team (an incident's commander, notification recipients) goes through these, so an untrusted
    /// row (old data, a future import path) that lists someone adds no one to a team anywhere.
    /// </summary>
    public static IQueryable<CatalogRelation> TrustedRelations(PortalDbContext db)
    {
        var trusted = db.CatalogEntities.Where(e => (e.Kind == CatalogKinds.Group || e.Kind == CatalogKinds.User) && e.TrustedForIdentity).Select(e => e.EntityRef);
        return db.CatalogRelations.AsNoTracking().Where(r => trusted.Contains(r.OriginRef));
    }

    /// <summary>The catalog's name (title or <c>profile.displayName</c>) for the User a signed-in person maps to, for Identity's <see cref="PersonDirectory"/>.</summary>
    public static async Task<string?> DisplayNameAsync(PortalDbContext db, string? userName, string? email, CancellationToken cancellationToken,
        bool matchByName = true)
    {
        var user = await FindUserAsync(db, userName, email, matchByName, cancellationToken);
        return string.IsNullOrWhiteSpace(user?.Title) ? null : user.Title.Trim();
    }

    /// <summary>The person's User entity: by e-mail, else (people with local accounts) by name.</summary>
    private static async Task<CatalogEntity?> FindUserAsync(PortalDbContext db, string? userName, string? email, bool matchByName,
        CancellationToken cancellationToken)
    {
        // Only people and teams from trusted sources count (an admin, or a location an admin registered): a team
        // member could otherwise write themselves into another team (see EntityAuthority).
        var users = db.CatalogEntities.AsNoTracking().Where(e => e.Kind == CatalogKinds.User && e.TrustedForIdentity);
        CatalogEntity? user = null;
        if (!string.IsNullOrWhiteSpace(email))
        {
            var pattern = CatalogQueries.EscapeLike(email.Trim());
            user = await users.FirstOrDefaultAsync(e =>
                EF.Functions.ILike(e.Document.RootElement.GetProperty("spec").GetProperty("profile").GetProperty("email").GetString()!, pattern),
                cancellationToken);
        }
        if (user is null && matchByName && !string.IsNullOrWhiteSpace(userName))
        {
            var key = new EntityRef(CatalogKinds.User, EntityRef.DefaultNamespace, userName).ToString();
            user = await users.FirstOrDefaultAsync(e => e.EntityRef == key, cancellationToken);
        }
        return user;
    }

    private static string? Spec(JsonDocument document, string field) =>
        document.RootElement.TryGetProperty("spec", out var spec) && spec.ValueKind == JsonValueKind.Object
        && spec.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string? RefOrNull(string? value, string kind, string ns) =>
        string.IsNullOrWhiteSpace(value) ? null : TryRef(value, kind, ns);

    /// <summary>Someone's broken catalog entry must not break everyone's sign-in: bad refs are skipped.</summary>
    private static string? TryRef(string value, string kind, string ns)
    {
        try
        {
            return EntityRef.Parse(value, kind, ns).ToString();
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            return null;
        }
    }

    private static List<string> Refs(JsonDocument document, string field, string kind, string ns) =>
        document.RootElement.TryGetProperty("spec", out var spec) && spec.ValueKind == JsonValueKind.Object
        && spec.TryGetProperty(field, out var values) && values.ValueKind == JsonValueKind.Array
            ? values.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => TryRef(v.GetString()!, kind, ns)).OfType<string>().ToList()
            : [];
}
