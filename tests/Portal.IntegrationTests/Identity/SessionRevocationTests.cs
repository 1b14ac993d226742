using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Features.Identity;

namespace Portal.IntegrationTests.Identity;

/// <summary>
/// A disabled person's open session ends at its next request (issue 17, finding 7), not at Identity's
/// 30-minute security stamp validation.
/// </summary>
public sealed class SessionRevocationTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>
{
    [Fact]
    public async Task Disabling_a_user_ends_their_cookie_session_at_the_very_next_request()
    {
        var (user, _) = await factory.UserWithTokenAsync("cookie-leaver");
        using var writer = await CookieSessions.SignInAsync(factory, "cookie-leaver");
        using var reader = await CookieSessions.SignInAsync(factory, "cookie-leaver");
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync(new Uri("/api/identity/me", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await writer.PostAsJsonAsync("/api/identity/tokens", NewToken("before"))).StatusCode);
        using var admin = factory.AdminClient();

        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync(new Uri($"/api/identity/users/{user.Id}/disable", UriKind.Relative), null)).StatusCode);

        var write = await writer.PostAsJsonAsync("/api/identity/tokens", NewToken("after"));
        Assert.Equal(HttpStatusCode.Unauthorized, write.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await reader.GetAsync(new Uri("/api/identity/me", UriKind.Relative))).StatusCode);
        var page = await reader.GetAsync(new Uri("/catalog", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/account/login", page.Headers.Location!.AbsolutePath, StringComparison.Ordinal);
        await using var db = await factory.DbAsync();
        Assert.False(await db.ApiTokens.AnyAsync(t => t.UserId == user.Id && t.Name == "after"));
        Assert.True(await db.ApiTokens.AnyAsync(t => t.UserId == user.Id && t.Name == "before"));

        // Enabling again does not bring the old sessions back: the person signs in anew.
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync(new Uri($"/api/identity/users/{user.Id}/unlock", UriKind.Relative), null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await writer.GetAsync(new Uri("/api/identity/me", UriKind.Relative))).StatusCode);
        using var again = await CookieSessions.SignInAsync(factory, "cookie-leaver");
        Assert.Equal(HttpStatusCode.OK, (await again.GetAsync(new Uri("/api/identity/me", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task An_admin_password_reset_ends_the_sessions_that_used_the_old_password()
    {
        var (user, _) = await factory.UserWithTokenAsync("cookie-reset");
        using var session = await CookieSessions.SignInAsync(factory, "cookie-reset");
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync(new Uri("/api/identity/me", UriKind.Relative))).StatusCode);
        using var admin = factory.AdminClient();

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync(new Uri($"/api/identity/users/{user.Id}/reset-password", UriKind.Relative), null)).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await session.GetAsync(new Uri("/api/identity/me", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Changing_ones_own_password_keeps_the_session_that_changed_it()
    {
        using var admin = factory.AdminClient();
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/identity/users",
            new CreateUserRequest("cookie-changer", null, null, "initial-password-1", []))).StatusCode);
        using var other = await CookieSessions.SignInAsync(factory, "cookie-changer", "initial-password-1");
        using var session = await CookieSessions.SignInAsync(factory, "cookie-changer", "initial-password-1");
        var form = await session.GetStringAsync(new Uri("/account/password", UriKind.Relative));
        var token = System.Text.RegularExpressions.Regex.Match(form, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;

        var changed = await session.PostAsync(new Uri("/account/change-password", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["currentPassword"] = "initial-password-1",
            ["newPassword"] = "my-own-password-22",
            ["confirmPassword"] = "my-own-password-22",
            ["returnUrl"] = "/",
        }));

        Assert.Equal("/", changed.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync(new Uri("/api/identity/me", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync(new Uri("/api/identity/me", UriKind.Relative))).StatusCode);
        // The other session knew only the old password: it ends.
        var stale = await other.GetAsync(new Uri("/account/password", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, stale.StatusCode);
        Assert.StartsWith("/account/login", stale.Headers.Location!.AbsolutePath, StringComparison.Ordinal);
    }

    private static CreateTokenRequest NewToken(string name) => new(name, ApiTokenKind.Personal, [PortalScopes.CatalogRead], null, 30);
}
