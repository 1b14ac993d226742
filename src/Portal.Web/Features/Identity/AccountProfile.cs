using Microsoft.AspNetCore.Identity;
using Portal.Web.Data;

namespace Portal.Web.Features.Identity;

/// <summary>Keeps what an account is called in step with the catalog, so pages can show a name, not a login.</summary>
public static class AccountProfile
{
    /// <summary>
    /// Gives an account without a display name the catalog's name for the person (nothing changes when it has one: an
    /// admin's or the identity provider's name wins). Called before the sign-in cookie is issued, so it carries the name.
    /// </summary>
    public static async Task<bool> FillDisplayNameAsync(UserManager<PortalUser> users, PersonDirectory directory, PortalDbContext db,
        PortalUser user, bool matchByName, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(user.DisplayName))
        {
            return false;
        }
        var name = await directory(db, user.UserName, user.Email, cancellationToken, matchByName);
        if (string.IsNullOrWhiteSpace(name))
        {
            return false;
        }
        user.DisplayName = name.Length > 200 ? name[..200] : name;
        return (await users.UpdateAsync(user)).Succeeded;
    }
}
