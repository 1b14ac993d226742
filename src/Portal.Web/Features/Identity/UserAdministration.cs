using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;

namespace Portal.Web.Features.Identity;

public sealed record CreateUserRequest(string? UserName, string? Email, string? DisplayName, string? Password, string[]? Roles);

public sealed record UserView(string Id, string UserName, string? Email, string? DisplayName, string Source, string[] Roles, bool LockedOut);

public sealed record SetRolesRequest(string[]? Roles);

public sealed record MeView(string Name, string? Email, string? CatalogUser, string[] Roles, string[] Teams, string[]? Scopes, bool IsToken);

/// <summary>Local accounts and roles, for admins: one implementation for the API and the admin page.</summary>
public static class UserAdministration
{
    public static async Task<(UserView? User, Dictionary<string, string[]> Errors)> CreateAsync(UserManager<PortalUser> users, PortalDbContext db,
        AuditActor actor, CreateUserRequest request, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.UserName))
        {
            errors["userName"] = ["A user name is required."];
        }
        if (string.IsNullOrEmpty(request.Password))
        {
            errors["password"] = ["A password is required (at least 12 characters)."];
        }
        var unknownRoles = (request.Roles ?? []).Except(PortalRoles.All, StringComparer.Ordinal).ToList();
        if (unknownRoles.Count > 0)
        {
            errors["roles"] = [$"Unknown role(s): {string.Join(", ", unknownRoles)}. Known: {string.Join(", ", PortalRoles.All)}."];
        }
        if (errors.Count > 0)
        {
            return (null, errors);
        }
        var user = new PortalUser
        {
            UserName = request.UserName!.Trim(),
            Email = string.IsNullOrWhiteSpace(request.Email) ? null : request.Email.Trim(),
            DisplayName = string.IsNullOrWhiteSpace(request.DisplayName) ? null : request.DisplayName.Trim(),
            CreatedAt = DateTimeOffset.UtcNow,
            // The admin knows this password: the person chooses their own at first sign-in.
            MustChangePassword = true,
        };
        var result = await users.CreateAsync(user, request.Password!);
        if (!result.Succeeded)
        {
            foreach (var group in result.Errors.GroupBy(e => e.Code.Contains("Password", StringComparison.Ordinal) ? "password" : "userName"))
            {
                errors[group.Key] = group.Select(e => e.Description).ToArray();
            }
            return (null, errors);
        }
        var roles = (request.Roles ?? []).Distinct().ToArray();
        if (roles.Length > 0)
        {
            await users.AddToRolesAsync(user, roles);
        }
        AuditLog.Record(db, actor, "identity.user.create", $"user:{user.UserName}", after: new { user.UserName, user.Email, user.DisplayName, roles });
        await db.SaveChangesAsync(cancellationToken);
        return (ToView(user, roles), errors);
    }

    public static async Task<List<UserView>> ListAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        var users = await db.Users.AsNoTracking().OrderBy(u => u.UserName).ToListAsync(cancellationToken);
        var roles = await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id select new { ur.UserId, r.Name })
            .ToListAsync(cancellationToken);
        return users.Select(u => ToView(u, roles.Where(r => r.UserId == u.Id).Select(r => r.Name!).Order().ToArray())).ToList();
    }

    public static async Task<Dictionary<string, string[]>?> SetRolesAsync(UserManager<PortalUser> users, PortalDbContext db, AuditActor actor,
        string userId, string[] wanted, CancellationToken cancellationToken)
    {
        var unknown = wanted.Except(PortalRoles.All, StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            return new() { ["roles"] = [$"Unknown role(s): {string.Join(", ", unknown)}."] };
        }
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return null;
        }
        var current = (await users.GetRolesAsync(user)).ToArray();
        await users.RemoveFromRolesAsync(user, current.Except(wanted));
        await users.AddToRolesAsync(user, wanted.Except(current).Distinct());
        await users.UpdateSecurityStampAsync(user); // signed-in sessions pick up the change
        AuditLog.Record(db, actor, "identity.user.roles", $"user:{user.UserName}", before: new { roles = current.Order() }, after: new { roles = wanted.Distinct().Order() });
        await db.SaveChangesAsync(cancellationToken);
        return [];
    }

    /// <summary>Lets a locked-out or disabled person sign in again.</summary>
    public static async Task<bool> UnlockAsync(UserManager<PortalUser> users, PortalDbContext db, AuditActor actor, string userId, CancellationToken cancellationToken)
    {
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return false;
        }
        await users.SetLockoutEndDateAsync(user, null);
        await users.ResetAccessFailedCountAsync(user);
        AuditLog.Record(db, actor, "identity.user.unlock", $"user:{user.UserName}");
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Disables an account: it cannot sign in, its sessions end at their next validation and its
    /// personal tokens stop working (the token handler refuses locked-out users). Admins cannot disable themselves.
    /// </summary>
    public static async Task<string?> DisableAsync(UserManager<PortalUser> users, PortalDbContext db, AuditActor actor, string? actingUserId,
        string userId, CancellationToken cancellationToken)
    {
        if (userId == actingUserId)
        {
            return "You cannot disable your own account.";
        }
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return null;
        }
        await users.SetLockoutEnabledAsync(user, true);
        await users.SetLockoutEndDateAsync(user, PortalUser.DisabledUntil);
        await users.UpdateSecurityStampAsync(user);
        AuditLog.Record(db, actor, "identity.user.disable", $"user:{user.UserName}");
        await db.SaveChangesAsync(cancellationToken);
        return "";
    }

    /// <summary>Gives a local account a one-time password (returned once, never stored in clear) that must be changed at the next sign-in.</summary>
    public static async Task<(string? Password, string? Error)> ResetPasswordAsync(UserManager<PortalUser> users, PortalDbContext db, AuditActor actor,
        string userId, CancellationToken cancellationToken)
    {
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return (null, null);
        }
        if (user.Source != "local")
        {
            return (null, "This person signs in with single sign-on; their password is kept by the identity provider.");
        }
        var password = LocalAccounts.NewOneTimePassword();
        var token = await users.GeneratePasswordResetTokenAsync(user);
        var result = await users.ResetPasswordAsync(user, token, password);
        if (!result.Succeeded)
        {
            return (null, string.Join(" ", result.Errors.Select(e => e.Description)));
        }
        user.MustChangePassword = true;
        await users.UpdateAsync(user);
        AuditLog.Record(db, actor, "identity.user.reset-password", $"user:{user.UserName}");
        await db.SaveChangesAsync(cancellationToken);
        return (password, null);
    }

    public static UserView ToView(PortalUser u, string[] roles) =>
        new(u.Id, u.UserName!, u.Email, u.DisplayName, u.Source, roles, u.LockoutEnd is not null && u.LockoutEnd > DateTimeOffset.UtcNow);

    public static MeView Me(ClaimsPrincipal user)
    {
        var facts = AccessFacts.From(user);
        return new MeView(user.Identity?.Name ?? "", user.FindFirstValue(ClaimTypes.Email), user.FindFirstValue(PortalClaims.CatalogUser),
            user.FindAll(ClaimTypes.Role).Select(c => c.Value).Distinct().Order().ToArray(),
            facts.Teams.Order().ToArray(), facts.Scopes?.Order().ToArray(), user.HasClaim(c => c.Type == PortalClaims.TokenId));
    }
}
