using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Web.Data;
using Portal.Web.Infrastructure.Extensions;

namespace Portal.Web.Features.Delivery;

/// <summary>
/// Keeps the per-day rollup true to the incidents: an incident that opens can fail the deployment before it, and its
/// mitigation is that change's restore, so the component's days within the rollback window before it are recomputed.
/// </summary>
public sealed class DeliveryIncidentListener(IDbContextFactory<PortalDbContext> dbFactory, IOptions<DeliveryOptions> options) : IIncidentListener
{
    public async Task OnIncidentChangedAsync(string componentRef, DateTimeOffset openedAt, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await DeliveryRollup.RefreshForIncidentAsync(db, options.Value, componentRef, openedAt, cancellationToken);
    }
}
