using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.TestSupport;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;

namespace Portal.IntegrationTests.Foundation;

public sealed class HostTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>
{
    [Fact]
    public async Task Health_live_and_ready_answer_200_when_database_and_Hangfire_storage_are_up()
    {
        using var client = factory.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/health/live", UriKind.Relative))).StatusCode);
        var ready = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Start_applies_every_migration_and_the_model_has_no_unmigrated_changes()
    {
        _ = factory.Server; // starts the host, which migrates
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();

        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.False(db.Database.HasPendingModelChanges(), "the model changed without a migration: run dotnet ef migrations add");
        Assert.Equal(1L, await PostgresProbe.ScalarAsync(factory.ConnectionString,
            "SELECT count(*) FROM information_schema.schemata WHERE schema_name = 'hangfire'"));
    }

    [Fact]
    public async Task A_connection_string_install_gets_no_demo_data()
    {
        using var client = factory.AdminClient();

        var figures = await client.GetFromJsonAsync<CatalogFigures>("/api/catalog/figures");

        Assert.NotNull(figures);
        Assert.Equal(0, figures.Components);
    }

    [Fact]
    public async Task Hangfire_dashboard_is_for_platform_admins_only()
    {
        var (_, memberToken) = await factory.UserWithTokenAsync("dashboard-member");
        using var anonymous = factory.AnonymousClient();
        using var member = factory.ClientWithToken(memberToken);
        using var admin = factory.AdminClient();

        var redirect = await anonymous.GetAsync(new Uri("/hangfire", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.StartsWith("/account/login", redirect.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync(new Uri("/hangfire", UriKind.Relative))).StatusCode);
        var dashboard = await admin.GetAsync(new Uri("/hangfire", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Contains("Portal jobs", await dashboard.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_page_shows_the_not_found_page_with_404_to_signed_in_people()
    {
        await factory.UserWithTokenAsync("page-user");
        using var anonymous = factory.AnonymousClient();
        using var client = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        await Portal.IntegrationTests.Identity.AccountTests.SignInAsync(client, "page-user", PortalAppFactory.TestPassword, "/");

        Assert.Equal(HttpStatusCode.Redirect, (await anonymous.GetAsync(new Uri("/no/such/page", UriKind.Relative))).StatusCode);
        var response = await client.GetAsync(new Uri("/no/such/page", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("There is nothing at this address.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_the_catalog_API_for_token_holders()
    {
        using var anonymous = factory.AnonymousClient();
        using var admin = factory.AdminClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative))).StatusCode);
        var document = await admin.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative));

        Assert.Contains("\"/api/catalog/entities/by-query\"", document, StringComparison.Ordinal);
        Assert.Contains("\"/api/catalog/locations\"", document, StringComparison.Ordinal);
        Assert.Contains("\"/api/identity/tokens\"", document, StringComparison.Ordinal);
    }
}
