using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.StaticAssets;
using Microsoft.Extensions.Options;

namespace Portal.Web.Features.Identity;

/// <summary>Puts the display name, and the must-change-password mark, into the sign-in cookie.</summary>
public sealed class PortalUserClaimsFactory(UserManager<PortalUser> users, RoleManager<IdentityRole> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<PortalUser, IdentityRole>(users, roles, options)
{
    public const string MustChangePasswordClaim = "portal:must-change-password";
    public const string DisplayNameClaim = "portal:display-name";

    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(PortalUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        if (user.MustChangePassword)
        {
            identity.AddClaim(new Claim(MustChangePasswordClaim, "true"));
        }
        if (!string.IsNullOrWhiteSpace(user.DisplayName))
        {
            identity.AddClaim(new Claim(DisplayNameClaim, user.DisplayName));
        }
        return identity;
    }

    /// <summary>
    /// Until a one-time password is replaced, pages lead to the password form. Exempt are the account pages, the
    /// circuit and framework files, health probes, and the static files the build produced (recognised by their
    /// endpoint's <see cref="StaticAssetDescriptor"/>, not by a dot in the path: <c>/catalog/user/default/dana.kim</c> is a page).
    /// </summary>
    public static void UseMustChangePassword(WebApplication app) => app.Use((context, next) =>
    {
        if (!context.User.HasClaim(MustChangePasswordClaim, "true"))
        {
            return next(context);
        }
        var path = context.Request.Path;
        if (path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return context.Response.WriteAsJsonAsync(new { title = "Choose a new password at /account/password before using the API." });
        }
        if ((HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
            && !path.StartsWithSegments("/account", StringComparison.OrdinalIgnoreCase)
            && !path.StartsWithSegments("/_framework", StringComparison.OrdinalIgnoreCase)
            && !path.StartsWithSegments("/_content", StringComparison.OrdinalIgnoreCase)
            && !path.StartsWithSegments("/_blazor", StringComparison.OrdinalIgnoreCase)
            && !path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase)
            && context.GetEndpoint()?.Metadata.GetMetadata<StaticAssetDescriptor>() is null)
        {
            context.Response.Redirect($"/account/password?returnUrl={Uri.EscapeDataString(path + context.Request.QueryString)}");
            return Task.CompletedTask;
        }
        return next(context);
    });
}
