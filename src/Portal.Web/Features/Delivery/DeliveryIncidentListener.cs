using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Web.Data;
using Portal.Web.Infrastructure.Extensions;

namespace Portal.Web.Features.Delivery;

/// <summary>
/// Keeps the per-day rollup true to the incidents: an incident that opens can fail the deployment before it, and its
/// mitigation is that change's restore, so the components' days within the rollback window before them are recomputed,
/// once for all the incidents Incidents reports together.
/// </summary>
public sealed class DeliveryIncidentListener(IDbContextFactory<PortalDbContext> dbFactory, IOptions<DeliveryOptions> options) : IIncidentListener
{
    public async Task OnIncidentsChangedAsync(IReadOnlyCollection<(string ComponentRef, DateTimeOffset OpenedAt)> incidents, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await DeliveryRollup.RefreshForIncidentsAsync(db, options.Value, incidents, cancellationToken);
    }
}
