using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Web.Features.Identity;

namespace Portal.IntegrationTests.Identity;

/// <summary>
/// Cross-site request forgery against cookie sessions (issue 17, finding 5): an admin's session cookie
/// must not let a page on another origin disable users or reset passwords.
/// </summary>
public sealed partial class CrossOriginTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>
{
    public static TheoryData<string?, string?> ForeignRequests => new()
    {
        { "https://evil.example", null },
        { "http://localhost:8081", null }, // same host, another port: same site, other origin
        { "null", null },                  // sandboxed frames and some redirects
        { null, "cross-site" },
        { null, "same-site" },
        { "http://localhost", "same-site" }, // the browser's word beats a matching Origin
        { null, null },                    // no browser headers and no antiforgery token
    };

    [Theory]
    [MemberData(nameof(ForeignRequests))]
    public async Task An_admin_session_cannot_disable_a_user_from_another_origin(string? origin, string? fetchSite)
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var (victim, victimToken) = await factory.UserWithTokenAsync("xo-victim-" + suffix);
        await factory.UserWithTokenAsync("xo-admin-" + suffix, roles: [PortalRoles.Admin]);
        using var session = await CookieSessions.SignInAsync(factory, "xo-admin-" + suffix, sameOrigin: false);

        using var request = Forged(HttpMethod.Post, $"/api/identity/users/{victim.Id}/disable", origin, fetchSite);
        var response = await session.SendAsync(request);

        await AssertRefusedAsync(response);
        await using (var db = await factory.DbAsync())
        {
            Assert.Null((await db.Users.AsNoTracking().SingleAsync(u => u.Id == victim.Id)).LockoutEnd);
            Assert.False(await db.AuditEntries.AnyAsync(e => e.Action == "identity.user.disable" && e.Target == $"user:{victim.UserName}"));
        }
        using var victimClient = factory.ClientWithToken(victimToken);
        Assert.Equal(HttpStatusCode.OK, (await victimClient.GetAsync(new Uri("/api/identity/me", UriKind.Relative))).StatusCode);
        await AuditAssert.RecordedAsync(factory, CrossOriginGuard.AuditAction, $"POST /api/identity/users/{victim.Id}/disable", "xo-admin-" + suffix, "denied");
        // The session itself still works from the portal's own pages.
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync(new Uri("/api/identity/users", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Every_state_changing_endpoint_refuses_an_admins_session_from_another_origin()
    {
        await factory.UserWithTokenAsync("xo-every-admin", roles: [PortalRoles.Admin]);
        using var session = await CookieSessions.SignInAsync(factory, "xo-every-admin", sameOrigin: false);
        var endpoints = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        await using var before = await factory.DbAsync();
        var auditedBefore = await before.AuditEntries.CountAsync(e => e.Action == CrossOriginGuard.AuditAction);
        var problems = new List<string>();
        var sent = 0;

        // The OTLP gRPC service takes tokens only and is not served on the web port (EndpointAuthorizationTests checks its 404).
        foreach (var endpoint in endpoints.Where(e => !EndpointAuthorizationTests.IsGrpc(e)))
        {
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [];
            foreach (var method in methods.Where(CrossOriginRule.ChangesState).Where(m => m != "OPTIONS"))
            {
                var pattern = "/" + (endpoint.RoutePattern.RawText ?? "").TrimStart('/');
                var url = RouteParameter().Replace(pattern, m => m.Value.Contains(":guid", StringComparison.Ordinal) ? Guid.Empty.ToString()
                    : m.Value.Contains(":long", StringComparison.Ordinal) || m.Value.Contains(":int", StringComparison.Ordinal) ? "1" : "x");
                using var request = Forged(new HttpMethod(method), url, "https://evil.example", "cross-site");
                request.Content = JsonContent.Create(new { });
                using var response = await session.SendAsync(request);
                sent++;
                if (response.StatusCode != HttpStatusCode.Forbidden || !(await response.Content.ReadAsStringAsync()).Contains("Cross-origin request refused", StringComparison.Ordinal))
                {
                    problems.Add($"{method} {url} answered {(int)response.StatusCode}");
                }
            }
        }

        Assert.True(sent > 30, $"only {sent} state-changing endpoints found");
        Assert.True(problems.Count == 0, string.Join('\n', problems));
        await using var after = await factory.DbAsync();
        Assert.Equal(auditedBefore + sent, await after.AuditEntries.CountAsync(e => e.Action == CrossOriginGuard.AuditAction));
    }

    [Fact]
    public async Task A_forged_password_reset_changes_nothing()
    {
        var (victim, _) = await factory.UserWithTokenAsync("xo-reset-victim");
        await factory.UserWithTokenAsync("xo-reset-admin", roles: [PortalRoles.Admin]);
        using var session = await CookieSessions.SignInAsync(factory, "xo-reset-admin", sameOrigin: false);
        await using var before = await factory.DbAsync();
        var hash = (await before.Users.AsNoTracking().SingleAsync(u => u.Id == victim.Id)).PasswordHash;

        using var request = Forged(HttpMethod.Post, $"/api/identity/users/{victim.Id}/reset-password", "https://evil.example", "cross-site");
        await AssertRefusedAsync(await session.SendAsync(request));

        await using var after = await factory.DbAsync();
        var user = await after.Users.AsNoTracking().SingleAsync(u => u.Id == victim.Id);
        Assert.Equal(hash, user.PasswordHash);
        Assert.False(user.MustChangePassword);
        using var anyone = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        Assert.Equal("/", (await AccountTests.SignInAsync(anyone, "xo-reset-victim", PortalAppFactory.TestPassword, "/")).Headers.Location!.OriginalString);
    }

    [Theory]
    [InlineData("http://localhost", null)]
    [InlineData(null, "same-origin")]
    [InlineData("http://localhost", "same-origin")]
    public async Task The_portals_own_pages_still_make_changes(string? origin, string? fetchSite)
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var (victim, victimToken) = await factory.UserWithTokenAsync("xo-ok-" + suffix);
        await factory.UserWithTokenAsync("xo-ok-admin-" + suffix, roles: [PortalRoles.Admin]);
        using var session = await CookieSessions.SignInAsync(factory, "xo-ok-admin-" + suffix, sameOrigin: false);

        using var request = Forged(HttpMethod.Post, $"/api/identity/users/{victim.Id}/disable", origin, fetchSite);
        Assert.Equal(HttpStatusCode.NoContent, (await session.SendAsync(request)).StatusCode);

        using var victimClient = factory.ClientWithToken(victimToken);
        Assert.Equal(HttpStatusCode.Unauthorized, (await victimClient.GetAsync(new Uri("/api/identity/me", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task A_script_with_a_cookie_jar_may_send_the_antiforgery_token_instead()
    {
        var (victim, _) = await factory.UserWithTokenAsync("xo-token-victim");
        await factory.UserWithTokenAsync("xo-token-admin", roles: [PortalRoles.Admin]);
        using var session = await CookieSessions.SignInAsync(factory, "xo-token-admin", sameOrigin: false);
        // A page rendered for this session carries a token bound to it; another origin cannot read it.
        var page = await session.GetStringAsync(new Uri("/account/login", UriKind.Relative));
        var token = AntiforgeryField().Match(page).Groups[1].Value;

        using var wrong = Forged(HttpMethod.Post, $"/api/identity/users/{victim.Id}/unlock", null, null);
        wrong.Headers.Add("RequestVerificationToken", "not-a-token");
        await AssertRefusedAsync(await session.SendAsync(wrong));

        using var request = Forged(HttpMethod.Post, $"/api/identity/users/{victim.Id}/unlock", null, null);
        request.Headers.Add("RequestVerificationToken", token);
        Assert.Equal(HttpStatusCode.NoContent, (await session.SendAsync(request)).StatusCode);
        await AuditAssert.RecordedAsync(factory, "identity.user.unlock", "user:xo-token-victim", "xo-token-admin");
    }

    [Fact]
    public async Task A_trusted_origin_behind_a_proxy_is_accepted_and_a_malformed_one_stops_start_up()
    {
        var (victim, _) = await factory.UserWithTokenAsync("xo-proxy-victim");
        await factory.UserWithTokenAsync("xo-proxy-admin", roles: [PortalRoles.Admin]);
        using var proxied = factory.WithWebHostBuilder(b => b.UseSetting("Portal:Identity:TrustedOrigins:0", "https://portal.example.com"));
        using var session = proxied.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        await AccountTests.SignInAsync(session, "xo-proxy-admin", PortalAppFactory.TestPassword, "/");

        using var evil = Forged(HttpMethod.Post, $"/api/identity/users/{victim.Id}/unlock", "https://evil.example", null);
        await AssertRefusedAsync(await session.SendAsync(evil));
        using var trusted = Forged(HttpMethod.Post, $"/api/identity/users/{victim.Id}/unlock", "https://portal.example.com", null);
        Assert.Equal(HttpStatusCode.NoContent, (await session.SendAsync(trusted)).StatusCode);

        using var malformed = factory.WithWebHostBuilder(b => b.UseSetting("Portal:Identity:TrustedOrigins:0", "https://portal.example.com/app"));
        var error = Assert.ThrowsAny<Exception>(() => malformed.Server);
        Assert.Contains("Portal:Identity:TrustedOrigins must list origins only", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_calls_are_not_affected_by_origin_headers()
    {
        var (victim, _) = await factory.UserWithTokenAsync("xo-bearer-victim");
        using var admin = factory.AdminClient();

        using var request = Forged(HttpMethod.Post, $"/api/identity/users/{victim.Id}/disable", "https://evil.example", "cross-site");
        Assert.Equal(HttpStatusCode.NoContent, (await admin.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task A_forged_sign_out_form_is_refused_and_the_real_one_works()
    {
        await factory.UserWithTokenAsync("xo-logout");
        using var session = await CookieSessions.SignInAsync(factory, "xo-logout", sameOrigin: false);

        using var forged = Forged(HttpMethod.Post, "/account/logout", "https://evil.example", "cross-site");
        forged.Content = new FormUrlEncodedContent([]);
        await AssertRefusedAsync(await session.SendAsync(forged));
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync(new Uri("/api/identity/me", UriKind.Relative))).StatusCode);

        var page = await session.GetStringAsync(new Uri("/account/login", UriKind.Relative));
        using var real = Forged(HttpMethod.Post, "/account/logout", CookieSessions.PortalOrigin, "same-origin");
        real.Content = new FormUrlEncodedContent([new("__RequestVerificationToken", AntiforgeryField().Match(page).Groups[1].Value)]);
        var signedOut = await session.SendAsync(real);
        Assert.Equal("/account/login?signedOut=1", signedOut.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Unauthorized, (await session.GetAsync(new Uri("/api/identity/me", UriKind.Relative))).StatusCode);
    }

    private static HttpRequestMessage Forged(HttpMethod method, string path, string? origin, string? fetchSite)
    {
        var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }
        if (fetchSite is not null)
        {
            request.Headers.Add("Sec-Fetch-Site", fetchSite);
        }
        return request;
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<Microsoft.AspNetCore.Mvc.ProblemDetails>();
        Assert.Equal("Cross-origin request refused", problem!.Title);
        Assert.Contains("API token", problem.Detail, StringComparison.Ordinal);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex RouteParameter();
}
