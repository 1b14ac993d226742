using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Portal.Web.Data;

namespace Portal.Web.Features.Identity;

/// <summary>Sign-in, sign-out and password change: form posts from the static account pages.</summary>
public static class AccountEndpoints
{
    public static void MapAccountEndpoints(this WebApplication app)
    {
        var account = app.MapGroup("/account").WithTags("Account");

        account.MapPost("/sign-in", async ([FromForm] string? userName, [FromForm] string? password, [FromForm] string? returnUrl,
            SignInManager<PortalUser> signIn, PortalDbContext db, IOptions<PortalIdentityOptions> options, HttpContext http) =>
        {
            var back = LocalAccounts.SafeReturnUrl(returnUrl);
            if (!options.Value.LocalAccounts)
            {
                return Results.LocalRedirect(LoginUrl("disabled", back));
            }
            if (string.IsNullOrWhiteSpace(userName) || string.IsNullOrEmpty(password) || userName.Length > 256 || password.Length > 1024)
            {
                return Results.LocalRedirect(LoginUrl("missing", back));
            }
            var users = signIn.UserManager;
            var user = await users.FindByNameAsync(userName.Trim()) ?? await users.FindByEmailAsync(userName.Trim());
            var actor = new AuditActor("user", userName.Trim(), http.Connection.RemoteIpAddress?.ToString());
            // No such person, no password (single sign-on) and locked out all answer like a wrong password, after the same
            // work (one password hash), so the answer does not tell which accounts exist. The audit log keeps the difference.
            var lockedOut = user is not null && await users.IsLockedOutAsync(user);
            if (user?.PasswordHash is null || lockedOut)
            {
                SignInTiming.HashAgainstDummy(users.PasswordHasher, password);
                await AuditLog.WriteAsync(db, actor, "identity.sign-in", $"user:{user?.UserName ?? userName.Trim()}", lockedOut ? "denied" : "failed", http.RequestAborted);
                return Results.LocalRedirect(LoginUrl("invalid", back));
            }
            var result = await signIn.PasswordSignInAsync(user, password, isPersistent: false, lockoutOnFailure: true);
            if (!result.Succeeded)
            {
                await AuditLog.WriteAsync(db, actor, "identity.sign-in", $"user:{user.UserName}", result.IsLockedOut ? "denied" : "failed", http.RequestAborted);
                return Results.LocalRedirect(LoginUrl("invalid", back));
            }
            await AuditLog.WriteAsync(db, actor, "identity.sign-in", $"user:{user.UserName}", "success", http.RequestAborted);
            return Results.LocalRedirect(user.MustChangePassword ? $"/account/password?returnUrl={Uri.EscapeDataString(back)}" : back);
        }).AllowAnonymous().RequireRateLimiting(PortalPolicies.SignInRateLimit);

        account.MapPost("/logout", async (SignInManager<PortalUser> signIn, PortalDbContext db, HttpContext http) =>
        {
            AuditLog.Record(db, AuditActor.From(http), "identity.sign-out", $"user:{http.User.Identity?.Name}");
            await db.SaveChangesAsync(http.RequestAborted);
            await signIn.SignOutAsync();
            return Results.LocalRedirect("/account/login?signedOut=1");
        }).RequireAuthorization();

        account.MapPost("/change-password", async ([FromForm] string? currentPassword, [FromForm] string? newPassword, [FromForm] string? confirmPassword,
            [FromForm] string? returnUrl, SignInManager<PortalUser> signIn, PortalDbContext db, HttpContext http) =>
        {
            var back = LocalAccounts.SafeReturnUrl(returnUrl);
            var user = await signIn.UserManager.GetUserAsync(http.User);
            if (user is null)
            {
                return Results.LocalRedirect("/account/login");
            }
            if (string.IsNullOrEmpty(newPassword) || newPassword != confirmPassword)
            {
                return Results.LocalRedirect(PasswordUrl("The new passwords do not match.", back));
            }
            var changed = await signIn.UserManager.ChangePasswordAsync(user, currentPassword ?? "", newPassword);
            if (!changed.Succeeded)
            {
                return Results.LocalRedirect(PasswordUrl(string.Join(" ", changed.Errors.Select(e => e.Description)), back));
            }
            user.MustChangePassword = false;
            await signIn.UserManager.UpdateAsync(user);
            AuditLog.Record(db, AuditActor.From(http), "identity.password.change", $"user:{user.UserName}");
            await db.SaveChangesAsync(http.RequestAborted);
            await signIn.RefreshSignInAsync(user);
            return Results.LocalRedirect(back);
        }).RequireAuthorization().RequireRateLimiting(PortalPolicies.SignInRateLimit);

        account.MapGet("/oidc", (string? returnUrl, IOptions<PortalIdentityOptions> options) =>
        {
            if (!options.Value.Oidc.IsConfigured)
            {
                return Results.LocalRedirect(LoginUrl("no-sso", "/"));
            }
            var properties = new AuthenticationProperties
            {
                RedirectUri = $"/account/oidc/complete?returnUrl={Uri.EscapeDataString(LocalAccounts.SafeReturnUrl(returnUrl))}",
            };
            return Results.Challenge(properties, [PortalSchemes.Oidc]);
        }).AllowAnonymous().RequireRateLimiting(PortalPolicies.SignInRateLimit);

        account.MapGet("/oidc/complete", async (string? returnUrl, SignInManager<PortalUser> signIn, PortalDbContext db,
            IOptions<PortalIdentityOptions> options, HttpContext http) =>
        {
            var back = LocalAccounts.SafeReturnUrl(returnUrl);
            var external = await http.AuthenticateAsync(PortalSchemes.External);
            if (!external.Succeeded || external.Principal is null)
            {
                return Results.LocalRedirect(LoginUrl("sso-failed", back));
            }
            var oidc = options.Value.Oidc;
            var principal = external.Principal;
            var subject = principal.FindFirstValue("sub") ?? principal.FindFirstValue(ClaimTypes.NameIdentifier);
            if (subject is null)
            {
                return Results.LocalRedirect(LoginUrl("sso-failed", back));
            }
            var email = principal.FindFirstValue(oidc.EmailClaim);
            var name = principal.FindFirstValue(oidc.NameClaim);
            var groups = principal.FindAll(oidc.GroupsClaim).Select(c => c.Value).ToList();

            var users = signIn.UserManager;
            var user = await users.FindByLoginAsync(PortalSchemes.Oidc, subject);
            var isNew = user is null;
            if (user is null)
            {
                user = new PortalUser
                {
                    UserName = await UniqueUserNameAsync(users, email is not null ? email.Split('@')[0] : subject),
                    Email = email,
                    DisplayName = name,
                    Source = oidc.Authority!,
                    CreatedAt = DateTimeOffset.UtcNow,
                };
                var created = await users.CreateAsync(user);
                if (!created.Succeeded)
                {
                    return Results.LocalRedirect(LoginUrl("sso-failed", back));
                }
                await users.AddLoginAsync(user, new UserLoginInfo(PortalSchemes.Oidc, subject, oidc.DisplayName));
            }
            else
            {
                user.Email = email ?? user.Email;
                user.DisplayName = name ?? user.DisplayName;
                await users.UpdateAsync(user);
            }
            // The provider's groups as of this sign-in replace the ones remembered from the last.
            var remembered = (await users.GetClaimsAsync(user)).Where(c => c.Type == PortalClaimsTransformation.ProviderGroupClaim).ToList();
            await users.RemoveClaimsAsync(user, remembered);
            await users.AddClaimsAsync(user, groups.Select(g => new Claim(PortalClaimsTransformation.ProviderGroupClaim, g)));
            if (email is not null)
            {
                await users.RemoveClaimsAsync(user, (await users.GetClaimsAsync(user)).Where(c => c.Type == ClaimTypes.Email));
                await users.AddClaimAsync(user, new Claim(ClaimTypes.Email, email));
            }

            await http.SignOutAsync(PortalSchemes.External);
            await signIn.SignInAsync(user, isPersistent: false, authenticationMethod: PortalSchemes.Oidc);
            var actor = new AuditActor("user", user.UserName!, http.Connection.RemoteIpAddress?.ToString());
            if (isNew)
            {
                AuditLog.Record(db, actor, "identity.user.create", $"user:{user.UserName}", after: new { user.UserName, user.Email, source = user.Source });
            }
            AuditLog.Record(db, actor, "identity.sign-in", $"user:{user.UserName}");
            await db.SaveChangesAsync(http.RequestAborted);
            return Results.LocalRedirect(back);
        }).AllowAnonymous();
    }

    private static string LoginUrl(string error, string returnUrl) =>
        $"/account/login?error={error}&returnUrl={Uri.EscapeDataString(returnUrl)}";

    private static string PasswordUrl(string error, string returnUrl) =>
        $"/account/password?error={Uri.EscapeDataString(error)}&returnUrl={Uri.EscapeDataString(returnUrl)}";

    private static async Task<string> UniqueUserNameAsync(UserManager<PortalUser> users, string wanted)
    {
        var name = wanted;
        for (var i = 2; await users.FindByNameAsync(name) is not null; i++)
        {
            name = $"{wanted}{i}";
        }
        return name;
    }
}
