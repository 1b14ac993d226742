using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Portal.Web.Features.Identity;

namespace Portal.Web.Components;

/// <summary>Helpers for pages: who is signed in, as the API's authorization rules see them.</summary>
public static class CurrentUser
{
    public static async Task<(ClaimsPrincipal User, AccessFacts Facts)> GetAsync(Task<AuthenticationState>? state)
    {
        var user = state is null ? new ClaimsPrincipal(new ClaimsIdentity()) : (await state).User;
        return (user, AccessFacts.From(user));
    }
}
