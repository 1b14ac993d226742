using System.Net.Http.Headers;
using System.Security.Claims;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.TestSupport;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Identity;
using Portal.Web.Features.Demo;

namespace Portal.IntegrationTests;

/// <summary>The portal in-process (TestServer) on its own fresh database in the shared test cluster.</summary>
public sealed class PortalAppFactory : WebApplicationFactory<Program>
{
    public string ConnectionString { get; } = TestCluster.CreateDatabase();

    /// <summary>Where this instance's demo organisation files are written.</summary>
    public string DemoFolder { get; } = Path.Combine(TestCluster.Root, "demo-" + Guid.NewGuid().ToString("N"));

    /// <summary>Where this instance keeps GitOps checkouts, its GitOps repository and Terraform working folders.</summary>
    public string EnvironmentsFolder { get; } = Path.Combine(TestCluster.Root, "environments-" + Guid.NewGuid().ToString("N"));

    /// <summary>Where this instance's scaffolder publishes repositories (repos/) and keeps scratch space (work/).</summary>
    public string TemplatesFolder { get; } = Path.Combine(TestCluster.Root, "templates-" + Guid.NewGuid().ToString("N"));

    /// <summary>Settings a test class adds before the server starts (first use of <c>Server</c> or a client).</summary>
    public Dictionary<string, string?> Settings { get; } = new(StringComparer.Ordinal);

    /// <summary>Service replacements a test class makes before the server starts (e.g. a controllable clock).</summary>
    public Action<IServiceCollection>? ReplaceServices { get; set; }

    /// <summary>The configured bootstrap admin token of this instance.</summary>
    public string BootstrapToken { get; } = ApiTokenSecret.New();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:Portal", ConnectionString);
        builder.UseSetting("Portal:Jobs:WorkerCount", "1");
        builder.UseSetting("Portal:BootstrapAdminToken", BootstrapToken);
        // Tests sign in many times from one (TestServer) address; the limit itself has its own test.
        builder.UseSetting("Portal:Identity:SignInAttemptsPerMinute", "10000");
        builder.UseSetting("Portal:Environments:WorkDirectory", EnvironmentsFolder);
        builder.UseSetting("Portal:Templates:RepositoryRoot", Path.Combine(TemplatesFolder, "repos"));
        builder.UseSetting("Portal:Templates:WorkDirectory", Path.Combine(TemplatesFolder, "work"));
        // Most tests count catalog entities exactly; the template tests turn the built-in templates on.
        builder.UseSetting("Portal:Templates:RegisterBuiltIns", "false");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
        if (ReplaceServices is not null)
        {
            builder.ConfigureServices(ReplaceServices);
        }
        builder.UseEnvironment("Development");
    }

    public const string TestPassword = "correct-horse-battery-9";

    public HttpClient ClientWithToken(string token)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public HttpClient AdminClient() => ClientWithToken(BootstrapToken);

    public HttpClient AnonymousClient() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    public async Task<PortalDbContext> DbAsync()
    {
        _ = Server;
        return await Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
    }

    public async Task SeedDemoAsync()
    {
        await using var db = await DbAsync();
        await DemoOrganisation.SeedAsync(db, new Portal.Web.Features.Catalog.Ingestion.LocationReader(new CatalogOptions()), new CatalogOptions(),
            TimeProvider.System, DemoFolder, CancellationToken.None);
    }

    /// <summary>A local user with roles, and a personal token (all scopes they may hold) to call the API as them.</summary>
    public async Task<(PortalUser User, string Token)> UserWithTokenAsync(string userName, string? email = null, string[]? roles = null,
        string[]? scopes = null)
    {
        _ = Server;
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = await users.FindByNameAsync(userName);
        if (user is null)
        {
            user = new PortalUser { UserName = userName, Email = email, CreatedAt = DateTimeOffset.UtcNow };
            var result = await users.CreateAsync(user, TestPassword);
            Assert.True(result.Succeeded, string.Join(" ", result.Errors.Select(e => e.Description)));
        }
        if (roles is { Length: > 0 } && !(await users.GetRolesAsync(user)).Any())
        {
            await users.AddToRolesAsync(user, roles);
        }
        var principal = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, user.Id), new Claim(ClaimTypes.Name, userName)], "test"));
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var granted = scopes ?? PortalScopes.All.Where(s => !AccessRules.AdminOnlyScopes.Contains(s) || (roles ?? []).Contains(PortalRoles.Admin)).ToArray();
        var created = await ApiTokens.CreateAsync(db, principal, new AuditActor("user", userName, null),
            new CreateTokenRequest($"{userName}-token", ApiTokenKind.Personal, granted, null, 30), DateTimeOffset.UtcNow, CancellationToken.None);
        return (user, created.Token);
    }
}
