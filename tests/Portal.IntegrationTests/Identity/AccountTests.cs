using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Portal.IntegrationTests.Identity;

/// <summary>Cookie sign-in through the real form posts (antiforgery included).</summary>
public sealed partial class AccountTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>
{
    [Fact]
    public async Task Signing_in_with_the_form_sets_the_cookie_and_opens_pages()
    {
        await factory.UserWithTokenAsync("form-user");
        using var browser = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

        var response = await SignInAsync(browser, "form-user", PortalAppFactory.TestPassword, "/catalog");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/catalog", response.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(new Uri("/catalog", UriKind.Relative))).StatusCode);
        await AuditAssert.RecordedAsync(factory, "identity.sign-in", "user:form-user", "form-user");
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_even_for_the_right_one()
    {
        await factory.UserWithTokenAsync("lock-me");
        using var browser = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

        for (var i = 0; i < 5; i++)
        {
            var wrong = await SignInAsync(browser, "lock-me", "not-the-password", "/");
            Assert.Contains("error=", wrong.Headers.Location!.OriginalString, StringComparison.Ordinal);
        }
        var right = await SignInAsync(browser, "lock-me", PortalAppFactory.TestPassword, "/");

        Assert.StartsWith("/account/login?error=invalid", right.Headers.Location!.OriginalString, StringComparison.Ordinal); // no hint that it exists
        await AuditAssert.RecordedAsync(factory, "identity.sign-in", "user:lock-me", "lock-me", "denied");
    }

    [Fact]
    public async Task A_disabled_user_can_neither_sign_in_nor_use_tokens_until_enabled_again()
    {
        var (user, token) = await factory.UserWithTokenAsync("leaver");
        using var admin = factory.AdminClient();
        using var tokenClient = factory.ClientWithToken(token);
        using var browser = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        Assert.Equal(HttpStatusCode.OK, (await tokenClient.GetAsync(new Uri("/api/identity/me", UriKind.Relative))).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync(new Uri($"/api/identity/users/{user.Id}/disable", UriKind.Relative), null)).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await tokenClient.GetAsync(new Uri("/api/identity/me", UriKind.Relative))).StatusCode);
        var refused = await SignInAsync(browser, "leaver", PortalAppFactory.TestPassword, "/");
        Assert.StartsWith("/account/login?error=invalid", refused.Headers.Location!.OriginalString, StringComparison.Ordinal);
        await AuditAssert.RecordedAsync(factory, "identity.sign-in", "user:leaver", "leaver", "denied");
        await AuditAssert.RecordedAsync(factory, "identity.user.disable", "user:leaver", "bootstrap-admin-token");

        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync(new Uri($"/api/identity/users/{user.Id}/unlock", UriKind.Relative), null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await tokenClient.GetAsync(new Uri("/api/identity/me", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task An_admin_reset_gives_a_one_time_password_that_must_be_changed_at_sign_in()
    {
        var (user, _) = await factory.UserWithTokenAsync("forgetful");
        using var admin = factory.AdminClient();
        using var browser = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

        var reset = await admin.PostAsync(new Uri($"/api/identity/users/{user.Id}/reset-password", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        var password = (await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<Portal.Web.Features.Identity.OneTimePassword>(reset.Content))!.Password;

        var old = await SignInAsync(browser, "forgetful", PortalAppFactory.TestPassword, "/");
        Assert.Contains("error=", old.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var fresh = await SignInAsync(browser, "forgetful", password, "/");
        Assert.StartsWith("/account/password", fresh.Headers.Location!.OriginalString, StringComparison.Ordinal); // the change-password page
        var audit = await AuditAssert.RecordedAsync(factory, "identity.user.reset-password", "user:forgetful", "bootstrap-admin-token");
        Assert.DoesNotContain(password, audit.Changes?.RootElement.GetRawText() ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sign_in_post_without_the_antiforgery_token_is_refused()
    {
        await factory.UserWithTokenAsync("csrf-target");
        using var browser = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var response = await browser.PostAsync(new Uri("/account/sign-in", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["userName"] = "csrf-target",
            ["password"] = PortalAppFactory.TestPassword,
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie") && response.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith("portal.auth", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example/")]
    [InlineData("/\t/evil.example/")]
    [InlineData("/catalog\t")]
    [InlineData("/catalog\r\nSet-Cookie: portal.auth=forged")]
    [InlineData("/\r\n/evil.example/")]
    [InlineData("\t/catalog")]
    public async Task Sign_in_never_redirects_off_the_portal(string returnUrl)
    {
        await factory.UserWithTokenAsync("redirect-user");
        using var browser = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

        var response = await SignInAsync(browser, "redirect-user", PortalAppFactory.TestPassword, returnUrl);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode); // never a 500 after the password check
        Assert.Equal("/", response.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(new Uri("/api/identity/me", UriKind.Relative))).StatusCode); // and signed in
    }

    [Fact]
    public async Task Pages_carry_the_security_headers()
    {
        using var browser = factory.AnonymousClient();

        var response = await browser.GetAsync(new Uri("/account/login", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("strict-origin-when-cross-origin", response.Headers.GetValues("Referrer-Policy").Single());
    }

    [Fact]
    public async Task Repeated_sign_in_attempts_are_rate_limited()
    {
        using var limited = factory.WithWebHostBuilder(b => b.UseSetting("Portal:Identity:SignInAttemptsPerMinute", "5"));
        using var browser = limited.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            statuses.Add((await SignInAsync(browser, "nobody-" + i, "wrong-password-123", "/")).StatusCode);
        }

        Assert.All(statuses.Take(5), s => Assert.Equal(HttpStatusCode.Redirect, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
    }

    internal static async Task<HttpResponseMessage> SignInAsync(HttpClient browser, string userName, string password, string returnUrl)
    {
        var page = await browser.GetStringAsync(new Uri("/account/login", UriKind.Relative));
        var token = AntiforgeryField().Match(page).Groups[1].Value;
        return await browser.PostAsync(new Uri("/account/sign-in", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["userName"] = userName,
            ["password"] = password,
            ["returnUrl"] = returnUrl,
        }));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
