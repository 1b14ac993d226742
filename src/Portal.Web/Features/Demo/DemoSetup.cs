using Microsoft.Extensions.Options;
using Portal.Web.Data;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Catalog.Ingestion;
using Portal.Web.Features.Cost;
using Portal.Web.Features.Delivery;
using Portal.Web.Infrastructure.Hosting;

namespace Portal.Web.Features.Demo;

/// <summary>
/// The demo organisation and its billing data, seeded on a first embedded start so a new install has something to look
/// at. A feature of its own (it composes Catalog and Cost through their public APIs), so neither the database set-up
/// nor the catalog carries demo data.
/// </summary>
public static class DemoSetup
{
    public static WebApplicationBuilder AddDemo(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<DemoOptions>().BindConfiguration(DemoOptions.Section).ValidateOnStart();
        return builder;
    }

    /// <summary>Seeds once per database, after migrations and before the portal serves: only on the embedded database, never in Production.</summary>
    public static async Task SeedDemoAsync(this WebApplication app)
    {
        var demo = app.Services.GetRequiredService<IOptions<DemoOptions>>().Value;
        if (app.Services.GetRequiredService<PortalDatabase>().Embedded is not { } embedded || !demo.Seed || app.Environment.IsProduction())
        {
            return;
        }
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        if (await DemoOrganisation.SeedAsync(db, app.Services.GetRequiredService<LocationReader>(),
                app.Services.GetRequiredService<IOptions<CatalogOptions>>().Value, TimeProvider.System,
                Path.Combine(Path.GetDirectoryName(embedded.DataDirectory)!, "demo-catalog"), CancellationToken.None))
        {
            await CostDemoData.SeedAsync(db, app.Services.GetRequiredService<IOptions<CostAttributionOptions>>().Value, TimeProvider.System, CancellationToken.None);
            await DeliveryDemoData.SeedAsync(db, app.Services.GetRequiredService<IOptions<DeliveryOptions>>().Value, TimeProvider.System, CancellationToken.None);
            app.Logger.LogInformation("Seeded the demo organisation, its billing and delivery data (turn off with Portal:Demo:Seed=false).");
        }
    }
}
