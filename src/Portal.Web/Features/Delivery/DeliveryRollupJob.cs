using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Web.Data;

namespace Portal.Web.Features.Delivery;

/// <summary>
/// The recurring job <c>delivery-rollup-rebuild</c>: recomputes the per-day rollup from the stored events every night, so
/// a change of <c>Portal:Delivery:ProductionEnvironments</c> or the rollback window, or rows written around the API, are
/// reflected by the next morning. On start it also runs once when the rollup is empty but events exist (a new install
/// of the rollup over existing history).
/// </summary>
public sealed class DeliveryRollupJob(IDbContextFactory<PortalDbContext> dbFactory, IOptions<DeliveryOptions> options, ILogger<DeliveryRollupJob> logger)
{
    public const string RecurringId = "delivery-rollup-rebuild";

    [DisableConcurrentExecution(3600)]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(30));
        await DeliveryRollup.RebuildAsync(db, options.Value, cancellationToken);
        logger.LogInformation("Rebuilt the delivery rollup in {Seconds:0.0} s", clock.Elapsed.TotalSeconds);
    }

    [DisableConcurrentExecution(3600)]
    public async Task RunIfEmptyAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!await db.DeliveryDaily.AnyAsync(cancellationToken)
            && (await db.DeliveryDeployments.AnyAsync(cancellationToken) || await db.DeliveryBuilds.AnyAsync(cancellationToken)))
        {
            await RunAsync(cancellationToken);
        }
    }
}
