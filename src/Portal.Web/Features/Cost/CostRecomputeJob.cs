using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;

namespace Portal.Web.Features.Cost;

/// <summary>The recurring-free job that recomputes attribution after the rules change (enqueued by the rules endpoint).</summary>
public sealed class CostRecomputeJob(IDbContextFactory<PortalDbContext> dbFactory, Microsoft.Extensions.Options.IOptions<CostAttributionOptions> options)
{
    [Hangfire.DisableConcurrentExecution(3600)]
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await CostRules.RecomputeAsync(db, options.Value, cancellationToken);
    }
}
