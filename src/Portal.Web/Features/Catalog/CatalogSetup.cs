using Hangfire;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;
using Portal.Web.Infrastructure.Extensions;
using Portal.Web.Features.Identity;
using Portal.Web.Features.Catalog.Search;

namespace Portal.Web.Features.Catalog;

public static class CatalogSetup
{
    public static WebApplicationBuilder AddCatalog(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<CatalogOptions>().BindConfiguration(CatalogOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        // url locations and their $text URLs: connections only to vetted public addresses (SSRF guard, DNS-rebinding safe).
        builder.Services.AddHttpClient("catalog", c => c.Timeout = TimeSpan.FromSeconds(30))
            .ConfigurePrimaryHttpMessageHandler(sp => Ingestion.UrlGuard.CreateHandler(
                sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<CatalogOptions>>().Value));
        builder.Services.AddSingleton(sp => new Ingestion.LocationReader(
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<CatalogOptions>>().Value, sp.GetRequiredService<IHttpClientFactory>()));
        builder.Services.AddScoped<CatalogRefreshJob>();
        builder.Services.AddScoped<CatalogNames>();
        builder.Services.AddSingleton(new HomeCard(typeof(Pages.MyServicesHomeCard), 10));
        builder.Services.AddSingleton(new HomeCard(typeof(Pages.StarredHomeCard), 40));
        builder.Services.AddSingleton(new HomeCard(typeof(Pages.RecentlyVisitedHomeCard), 45));
        // Sign-in asks the catalog for a person's teams through Identity's delegate (Identity does not reference the catalog).
        builder.Services.AddSingleton<TeamDirectory>(CatalogTeamDirectory.LoadAsync);
        builder.Services.AddSingleton<PersonDirectory>(CatalogTeamDirectory.DisplayNameAsync);
        builder.Services.AddSingleton(sp => new CatalogSearchIndex(
            () => sp.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext(), sp.GetRequiredService<ILogger<CatalogSearchIndex>>(),
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<CatalogOptions>>().Value.SearchIndexMaxEntities));
        return builder;
    }

    /// <summary>Registers the recurring refresh with its stable id (re-registering updates it, never duplicates it), and the search index's first build.</summary>
    public static void ScheduleCatalogJobs(this WebApplication app)
    {
        // The search index is built once the portal is up (migrations and demo data done), so the first searches need not wait for it.
        app.Lifetime.ApplicationStarted.Register(app.Services.GetRequiredService<CatalogSearchIndex>().ScheduleBuild);
        var interval = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<CatalogOptions>>().Value.RefreshIntervalMinutes;
        app.Services.GetRequiredService<IRecurringJobManager>().AddOrUpdate<CatalogRefreshJob>(
            CatalogRefreshJob.RecurringId, j => j.RefreshAllAsync(CancellationToken.None),
            RefreshSchedule.Cron(interval) ?? throw new InvalidOperationException(RefreshSchedule.Problem(interval)));
    }

    public static void MapCatalog(this WebApplication app) => app.MapCatalogEndpoints();
}
