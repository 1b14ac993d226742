using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Web.Data;
using Portal.Web.Features.Catalog.Ingestion;

namespace Portal.Web.Features.Catalog;

/// <summary>Hangfire jobs that keep locations fresh. They take ids and can run twice without harm.</summary>
public sealed class CatalogRefreshJob(IDbContextFactory<PortalDbContext> dbFactory, LocationReader reader, IOptions<CatalogOptions> options,
    TimeProvider time, IBackgroundJobClient jobs)
{
    public const string RecurringId = "catalog-refresh-all";

    // Refreshes of one location are serialised by an advisory lock inside CatalogIngestion.RefreshAsync.
    [AutomaticRetry(Attempts = 2)]
    public async Task RefreshLocationAsync(Guid locationId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await CatalogIngestion.RefreshAsync(db, reader, locationId, options.Value, time, cancellationToken);
    }

    /// <summary>The recurring job: one refresh job per location, so one slow repository does not hold up the rest.</summary>
    public async Task RefreshAllAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        foreach (var id in await db.CatalogLocations.Select(l => l.Id).ToListAsync(cancellationToken))
        {
            jobs.Enqueue<CatalogRefreshJob>(j => j.RefreshLocationAsync(id, CancellationToken.None));
        }
    }
}
