using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Portal.Web.Data;
using Portal.Web.Features.Identity;
using Portal.Web.Features.Identity.Pages;

namespace Portal.IntegrationTests.Identity;

/// <summary>
/// Identity's pages name people (issue #24): an account without a display name takes the catalog's name for the person at
/// sign-in, and the token and audit pages show that name with the account name on hover, rendered with bUnit over the
/// real database. Identity reads no catalog table itself (the catalog answers through <see cref="PersonDirectory"/>).
/// </summary>
public sealed class AccountNameTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IAsyncLifetime
{
    private static readonly TimeSpan RenderWait = TimeSpan.FromSeconds(10);

    public async Task InitializeAsync() => await factory.SeedDemoAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Signing_in_fills_an_empty_display_name_from_the_catalog_and_keeps_one_an_admin_gave()
    {
        // chen.wei is a demo catalog User ("Chen Wei"); ana.silva too, but her account was given another name by an admin.
        await factory.UserWithTokenAsync("chen.wei", "chen.wei@northwind.example");
        await factory.UserWithTokenAsync("ana.silva", "ana.silva@northwind.example");
        await SetDisplayNameAsync("ana.silva", "Ana (platform on-call)");
        // An account the catalog does not know keeps no name: pages then show its user name.
        await factory.UserWithTokenAsync("release-bot-owner");

        using var chen = await CookieSessions.SignInAsync(factory, "chen.wei");
        using var ana = await CookieSessions.SignInAsync(factory, "ana.silva");
        using var stranger = await CookieSessions.SignInAsync(factory, "release-bot-owner");

        Assert.Equal("Chen Wei", await DisplayNameAsync("chen.wei"));
        Assert.Equal("Ana (platform on-call)", await DisplayNameAsync("ana.silva"));
        Assert.Null(await DisplayNameAsync("release-bot-owner"));
    }

    [Fact]
    public async Task The_token_page_names_who_created_and_revoked_a_token_with_their_user_name_on_hover()
    {
        var (ben, _) = await factory.UserWithTokenAsync("ben.okafor", "ben.okafor@northwind.example");
        await SetDisplayNameAsync("ben.okafor", "Ben Okafor");
        await factory.UserWithTokenAsync("names-admin", roles: [PortalRoles.Admin]);
        await SetDisplayNameAsync("names-admin", "Nadia Admin");
        var tokenName = $"names-{Guid.NewGuid():N}"[..16];
        await using (var db = await factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync())
        {
            var benPrincipal = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, ben.Id), new Claim(ClaimTypes.Name, "ben.okafor")], "test"));
            var created = await ApiTokens.CreateAsync(db, benPrincipal, new AuditActor("user", "ben.okafor", null),
                new CreateTokenRequest(tokenName, ApiTokenKind.Personal, [PortalScopes.CatalogRead], null, 30), DateTimeOffset.UtcNow, CancellationToken.None);
            var admin = new AccessFacts("names-admin-id", true, false, new HashSet<string>(), null);
            Assert.Equal(ApiTokens.RevokeOutcome.Revoked, await ApiTokens.RevokeAsync(db, admin, new AuditActor("user", "names-admin", null), created.Id,
                DateTimeOffset.UtcNow, CancellationToken.None));
        }

        await using var context = Context(ben.Id, "ben.okafor");
        var page = context.Render<TokenManager>(p => p.Add(t => t.Kind, ApiTokenKind.Personal));
        page.WaitForAssertion(() => Assert.Contains(tokenName, page.Find("[data-testid=token-table]").TextContent, StringComparison.Ordinal), RenderWait);
        // Rows are found again on each check: a render replaces the elements found before it.
        AngleSharp.Dom.IElement Row() => page.FindAll("[data-testid=token-table] tbody tr").Single(r => r.TextContent.Contains(tokenName, StringComparison.Ordinal));
        page.WaitForAssertion(() =>
        {
            var by = Row().QuerySelector("[data-testid=token-created-by] [data-testid=account-name]");
            Assert.NotNull(by);
            Assert.Equal("Ben Okafor", by.TextContent.Trim());
            Assert.Equal("ben.okafor", by.GetAttribute("title"));
            var revokedBy = Row().QuerySelector("[data-testid=token-revoked-by] [data-testid=account-name]");
            Assert.NotNull(revokedBy);
            Assert.Equal("Nadia Admin", revokedBy.TextContent.Trim());
            Assert.Equal("names-admin", revokedBy.GetAttribute("title"));
        }, RenderWait);
        var row = Row();
        Assert.DoesNotContain("by ben.okafor", row.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_audit_log_names_people_and_keeps_actors_that_are_no_account_as_stored()
    {
        await factory.UserWithTokenAsync("dana.kim", "dana.kim@northwind.example");
        await SetDisplayNameAsync("dana.kim", "Dana Kim");
        var target = $"names-target-{Guid.NewGuid():N}"[..24];
        await using (var db = await factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync())
        {
            await AuditLog.WriteAsync(db, new AuditActor("user", "dana.kim", null), "names.test", target, "success", CancellationToken.None);
            await AuditLog.WriteAsync(db, new AuditActor("token", "dana.kim (0f3c)", null), "names.test", target, "success", CancellationToken.None);
            await AuditLog.WriteAsync(db, AuditActor.System, "names.test", target, "success", CancellationToken.None);
        }

        await using var context = Context("names-auditor", "names-auditor", PortalRoles.Admin);
        var page = context.Render<AuditPage>();
        page.WaitForAssertion(() => Assert.Equal(3, Rows(page, target).Count), RenderWait);
        page.WaitForAssertion(() =>
        {
            var actors = Rows(page, target).Select(r => r.QuerySelectorAll("td")[1]).ToList();
            var named = actors.Select(a => a.QuerySelector("[data-testid=account-name]")).ToList();
            Assert.Equal(["Dana Kim", "Dana Kim (0f3c)"], named.OfType<AngleSharp.Dom.IElement>().Select(n => n.TextContent.Trim()).Order());
            Assert.Equal(["dana.kim", "dana.kim (0f3c)"], named.OfType<AngleSharp.Dom.IElement>().Select(n => n.GetAttribute("title")!).Order());
            // "portal" (the system) is no account: as stored, with no hover that would pretend otherwise.
            Assert.Single(actors, a => a.QuerySelector("[data-testid=account-name]") is null && a.TextContent.Contains("portal", StringComparison.Ordinal));
        }, RenderWait);
    }

    private static List<AngleSharp.Dom.IElement> Rows(IRenderedComponent<AuditPage> page, string target) =>
        page.FindAll("[data-testid=audit-table] tbody tr").Where(r => r.TextContent.Contains(target, StringComparison.Ordinal)).ToList();

    private BunitContext Context(string userId, string userName, params string[] roles)
    {
        var context = new BunitContext();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddMudServices();
        context.Services.AddSingleton(factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>());
        context.Services.AddSingleton(TimeProvider.System);
        context.Services.AddScoped<AccountNames>();
        var auth = context.AddAuthorization();
        auth.SetAuthorized(userName);
        auth.SetRoles(roles); // before claims: bUnit's SetRoles rebuilds the principal from the name and roles only
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, userId));
        return context;
    }

    private async Task SetDisplayNameAsync(string userName, string displayName)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = await users.FindByNameAsync(userName);
        Assert.NotNull(user);
        user.DisplayName = displayName;
        Assert.True((await users.UpdateAsync(user)).Succeeded);
    }

    private async Task<string?> DisplayNameAsync(string userName)
    {
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        return await db.Users.AsNoTracking().Where(u => u.UserName == userName).Select(u => u.DisplayName).SingleAsync();
    }
}
