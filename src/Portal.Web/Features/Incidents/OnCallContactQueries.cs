using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;

namespace Portal.Web.Features.Incidents;

/// <summary>Reading people's contacts: what they set, else their catalog profile's e-mail.</summary>
public static class OnCallContactQueries
{
    /// <summary>A person's contact as it will be used; null e-mail when neither they nor the catalog give one.</summary>
    public static async Task<OnCallContactView> ViewAsync(PortalDbContext db, string userName, CancellationToken ct)
    {
        var saved = await db.Set<OnCallContact>().AsNoTracking().FirstOrDefaultAsync(c => c.UserName == userName, ct);
        var catalogEmail = saved?.Email is null ? await CatalogEmailAsync(db, userName, ct) : null;
        return new OnCallContactView(userName, saved?.Email ?? catalogEmail, saved?.Email is null && catalogEmail is not null, saved?.WebhookFormat,
            saved?.WebhookUrl, saved?.UpdatedAt);
    }

    /// <summary>The catalog User's <c>spec.profile.email</c> (<c>user:default/{name}</c>), or null.</summary>
    public static async Task<string?> CatalogEmailAsync(PortalDbContext db, string userName, CancellationToken ct)
    {
        string userRef;
        try
        {
            userRef = EntityRef.Parse(userName, defaultKind: CatalogKinds.User.ToLowerInvariant()).ToString();
        }
        catch (FormatException)
        {
            return null; // a schedule may name someone the catalog cannot (a name with characters refs do not take)
        }
        using var descriptor = await CatalogReads.DescriptorAsync(db, userRef, CatalogKinds.User, includeOrphans: false, ct);
        return descriptor is not null && descriptor.RootElement.TryGetProperty("spec", out var spec) && spec.ValueKind == JsonValueKind.Object
            && spec.TryGetProperty("profile", out var profile) && profile.ValueKind == JsonValueKind.Object
            && profile.TryGetProperty("email", out var email) && email.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(email.GetString())
            ? email.GetString()!.Trim() : null;
    }
}
