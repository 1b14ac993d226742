using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Portal.Web.Data;
using Portal.Web.Features.Incidents.Pages;
using Portal.Web.Infrastructure.Extensions;

namespace Portal.IntegrationTests.Incidents;

/// <summary>
/// The maintenance banner that Incidents registers for component pages (catalog and SLO pages render every
/// <see cref="EntityBanner"/>), rendered with bUnit over the real database with windows made through the API.
/// </summary>
public sealed class MaintenanceBannerTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IAsyncLifetime
{
    private string _ana = "";

    public async Task InitializeAsync()
    {
        await factory.SeedDemoAsync();
        (_, _ana) = await factory.UserWithTokenAsync("ana.silva", "ana.silva@northwind.example"); // payments: owns payment-gateway
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_component_shows_its_window_now_and_its_teams_planned_one_with_reasons_and_times_and_not_others()
    {
        Assert.Contains(factory.Services.GetServices<EntityBanner>(), b => b.Component == typeof(MaintenanceBanner) && b.Kinds.Contains("Component"));
        using var ana = factory.ClientWithToken(_ana);
        using var admin = factory.AdminClient();
        var tomorrow = DateTimeOffset.UtcNow.Date.AddDays(1).AddHours(22);
        async Task Create(HttpClient client, object body) =>
            Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync(new Uri("/api/maintenance-windows", UriKind.Relative), body)).StatusCode);
        await Create(ana, new { component = "payment-gateway", minutes = 90, reason = "Rotating the acquirer certificate." });
        await Create(ana, new { team = "group:default/payments", startsAt = new DateTimeOffset(tomorrow, TimeSpan.Zero), minutes = 60, reason = "Database upgrade." });
        await Create(admin, new { component = "checkout-web", minutes = 30, reason = "Not payment-gateway's." });

        await using var context = new BunitContext();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddMudServices();
        context.Services.AddSingleton(factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>());
        context.Services.AddSingleton(TimeProvider.System);

        var banner = context.Render<MaintenanceBanner>(p => p.Add(x => x.Entity, new EntityFacts("component:default/payment-gateway", "Component", null)));

        banner.WaitForAssertion(() => Assert.Equal(2, banner.FindAll("[data-testid=maintenance-banner]").Count), TimeSpan.FromSeconds(20));
        var banners = banner.FindAll("[data-testid=maintenance-banner]");
        Assert.Equal(["true", "false"], banners.Select(b => b.GetAttribute("data-active")));
        var (now, planned) = (Regex.Replace(banners[0].TextContent, @"\s+", " "), Regex.Replace(banners[1].TextContent, @"\s+", " "));
        Assert.Contains("Maintenance now (this component): until ", now, StringComparison.Ordinal);
        Assert.Contains("Rotating the acquirer certificate.", now, StringComparison.Ordinal);
        Assert.Contains("Alerts are recorded but not routed, and open no incident.", now, StringComparison.Ordinal);
        Assert.Contains($"Maintenance planned (team payments): {tomorrow:yyyy-MM-dd} 22:00 UTC to {tomorrow:yyyy-MM-dd} 23:00 UTC. Database upgrade.", planned, StringComparison.Ordinal);
        Assert.DoesNotContain("Not payment-gateway's", banner.Markup, StringComparison.Ordinal);
    }
}
