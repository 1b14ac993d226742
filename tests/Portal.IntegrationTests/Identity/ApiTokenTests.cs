using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Portal.TestSupport;
using Portal.Web.Features.Identity;

namespace Portal.IntegrationTests.Identity;

public sealed class ApiTokenTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>
{
    [Fact]
    public async Task A_token_is_shown_once_and_only_its_hash_is_stored()
    {
        await factory.UserWithTokenAsync("tok-owner");
        using var owner = await SignedInAsync("tok-owner");

        var response = await owner.PostAsJsonAsync("/api/identity/tokens",
            new CreateTokenRequest("laptop-script", ApiTokenKind.Personal, [PortalScopes.CatalogRead], null, 30));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = (await response.Content.ReadFromJsonAsync<CreatedToken>())!;
        Assert.StartsWith(ApiTokenSecret.Marker, created.Token, StringComparison.Ordinal);

        var listed = await owner.GetStringAsync(new Uri("/api/identity/tokens", UriKind.Relative));
        Assert.Contains("laptop-script", listed, StringComparison.Ordinal);
        Assert.DoesNotContain(created.Token, listed, StringComparison.Ordinal);

        var row = (string)(await PostgresProbe.ScalarAsync(factory.ConnectionString,
            $"SELECT row_to_json(t)::text FROM api_tokens t WHERE id = '{created.Id}'"))!;
        Assert.DoesNotContain(created.Token, row, StringComparison.Ordinal);
        Assert.Contains(ApiTokenSecret.Hash(created.Token), row, StringComparison.Ordinal);

        using var withNew = factory.ClientWithToken(created.Token);
        Assert.Equal(HttpStatusCode.OK, (await withNew.GetAsync(new Uri("/api/catalog/figures", UriKind.Relative))).StatusCode);
        await using var db = await factory.DbAsync();
        Assert.NotNull((await db.ApiTokens.AsNoTracking().SingleAsync(t => t.Id == created.Id)).LastUsedAt);
        await AuditAssert.RecordedAsync(factory, "identity.token.create", $"token:{created.Id}", "tok-owner");
    }

    [Fact]
    public async Task Revoked_and_expired_tokens_are_rejected()
    {
        var (_, revoked) = await factory.UserWithTokenAsync("tok-revoked");
        var (_, expired) = await factory.UserWithTokenAsync("tok-expired");
        using var revokedClient = factory.ClientWithToken(revoked);
        using var expiredClient = factory.ClientWithToken(expired);
        Assert.Equal(HttpStatusCode.OK, (await revokedClient.GetAsync(new Uri("/api/catalog/figures", UriKind.Relative))).StatusCode);

        await using (var db = await factory.DbAsync())
        {
            var revokedId = await db.ApiTokens.Where(t => t.Hash == ApiTokenSecret.Hash(revoked)).Select(t => t.Id).SingleAsync();
            Assert.Equal(HttpStatusCode.NoContent, (await revokedClient.DeleteAsync(new Uri($"/api/identity/tokens/{revokedId}", UriKind.Relative))).StatusCode);
            await AuditAssert.RecordedAsync(factory, "identity.token.revoke", $"token:{revokedId}", "tok-revoked");
            await db.ApiTokens.Where(t => t.Hash == ApiTokenSecret.Hash(expired))
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.ExpiresAt, DateTimeOffset.UtcNow.AddMinutes(-1)));
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await revokedClient.GetAsync(new Uri("/api/catalog/figures", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await expiredClient.GetAsync(new Uri("/api/catalog/figures", UriKind.Relative))).StatusCode);
        using var garbage = factory.ClientWithToken("ptk_not-a-real-token");
        Assert.Equal(HttpStatusCode.Unauthorized, (await garbage.GetAsync(new Uri("/api/catalog/figures", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Nobody_revokes_someone_elses_token_except_an_admin()
    {
        var (_, mallory) = await factory.UserWithTokenAsync("tok-mallory");
        var (_, victim) = await factory.UserWithTokenAsync("tok-victim");
        await using var db = await factory.DbAsync();
        var victimId = await db.ApiTokens.Where(t => t.Hash == ApiTokenSecret.Hash(victim)).Select(t => t.Id).SingleAsync();
        using var client = factory.ClientWithToken(mallory);

        Assert.Equal(HttpStatusCode.Forbidden, (await client.DeleteAsync(new Uri($"/api/identity/tokens/{victimId}", UriKind.Relative))).StatusCode);

        await AuditAssert.RecordedAsync(factory, "identity.token.revoke", $"token:{victimId}", "tok-mallory", "denied");
        using var victimClient = factory.ClientWithToken(victim);
        Assert.Equal(HttpStatusCode.OK, (await victimClient.GetAsync(new Uri("/api/catalog/figures", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task A_token_cannot_widen_itself_or_grant_scopes_its_owner_lacks()
    {
        var (_, narrow) = await factory.UserWithTokenAsync("tok-narrow", scopes: [PortalScopes.CatalogRead, PortalScopes.CatalogWrite]);
        await factory.UserWithTokenAsync("tok-member");
        using var narrowClient = factory.ClientWithToken(narrow);
        using var memberClient = await SignedInAsync("tok-member");

        var widen = await narrowClient.PostAsJsonAsync("/api/identity/tokens",
            new CreateTokenRequest("wider", ApiTokenKind.Personal, PortalScopes.All, null, 30));
        Assert.Equal(HttpStatusCode.Forbidden, widen.StatusCode);

        var adminScope = await memberClient.PostAsJsonAsync("/api/identity/tokens",
            new CreateTokenRequest("sneaky", ApiTokenKind.Personal, [PortalScopes.Admin], null, 30));
        Assert.Equal(HttpStatusCode.BadRequest, adminScope.StatusCode);
        Assert.Contains("Only platform admins issue tokens with admin", await adminScope.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Ingest tokens are the admins' business too, even as personal tokens.
        var ingest = await memberClient.PostAsJsonAsync("/api/identity/tokens",
            new CreateTokenRequest("my-exporter", ApiTokenKind.Personal, [PortalScopes.SloIngest], ["checkout-service"], 30));
        Assert.Equal(HttpStatusCode.BadRequest, ingest.StatusCode);
        Assert.Contains("Only platform admins issue tokens with slo:ingest", await ingest.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var invalid = await memberClient.PostAsJsonAsync("/api/identity/tokens",
            new CreateTokenRequest("", ApiTokenKind.Personal, ["catalog:everything"], null, 400));
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var problem = await invalid.Content.ReadAsStringAsync();
        Assert.Contains("\"name\"", problem, StringComparison.Ordinal);
        Assert.Contains("Unknown scope(s): catalog:everything", problem, StringComparison.Ordinal);
        Assert.Contains("Expiry must be between 1 and 365 days", problem, StringComparison.Ordinal);
    }

    /// <summary>A browser session (cookie), like the portal's own pages (which send their own origin).</summary>
    private Task<HttpClient> SignedInAsync(string userName) => CookieSessions.SignInAsync(factory, userName);

    [Fact]
    public async Task The_bootstrap_token_works_only_while_it_is_configured()
    {
        using (var admin = factory.AdminClient())
        {
            Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(new Uri("/api/identity/users", UriKind.Relative))).StatusCode);
        }

        using var unset = factory.WithWebHostBuilder(b => b.UseSetting("Portal:BootstrapAdminToken", ""));
        using var client = unset.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", factory.BootstrapToken);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(new Uri("/api/identity/users", UriKind.Relative))).StatusCode);
        client.DefaultRequestHeaders.Authorization = new("Bearer", "");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(new Uri("/api/identity/users", UriKind.Relative))).StatusCode);
    }
}
