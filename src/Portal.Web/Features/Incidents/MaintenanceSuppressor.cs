using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;
using Portal.Web.Infrastructure.Extensions;

namespace Portal.Web.Features.Incidents;

/// <summary>
/// Tells the alert job which components are in a maintenance window now (their own, their team's, or a global one), so
/// their alerts are recorded but not routed; the incident listener and the escalation job ask the same question.
/// </summary>
public sealed class MaintenanceSuppressor(IDbContextFactory<PortalDbContext> dbFactory) : IAlertSuppressor
{
    public async Task<IReadOnlySet<string>> SuppressedAsync(IReadOnlyCollection<string> componentRefs, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await CoveredAsync(db, componentRefs, at, cancellationToken);
    }

    /// <summary>Of these components, the ones a window covers at <paramref name="at"/>; one query when no window is open (the usual case).</summary>
    public static async Task<HashSet<string>> CoveredAsync(PortalDbContext db, IReadOnlyCollection<string> componentRefs, DateTimeOffset at,
        CancellationToken cancellationToken)
    {
        var covered = new HashSet<string>(StringComparer.Ordinal);
        var windows = await db.Set<MaintenanceWindow>().AsNoTracking().Where(w => w.StartsAt <= at && w.EndsAt > at).ToListAsync(cancellationToken);
        if (windows.Count == 0 || componentRefs.Count == 0)
        {
            return covered;
        }
        var owners = windows.Any(w => w.Team is not null)
            ? await IncidentQueries.OwnersAsync(db, componentRefs, cancellationToken)
            : [];
        covered.UnionWith(componentRefs.Where(c => windows.Any(w => MaintenanceRules.Covers(w, c, owners.GetValueOrDefault(c), at))));
        return covered;
    }
}
