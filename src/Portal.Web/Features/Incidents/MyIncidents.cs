using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;

namespace Portal.Web.Features.Incidents;

/// <summary>The incidents' part of the personal home: incidents on the components a person's teams own (owners from the catalog's read surface).</summary>
public static class MyIncidents
{
    /// <summary>How long a resolved incident stays on the home, so a team sees what just ended.</summary>
    public static readonly TimeSpan RecentlyResolved = TimeSpan.FromDays(7);

    /// <summary>
    /// The open incidents on the teams' components (newest first), then those resolved within <see cref="RecentlyResolved"/> of
    /// <paramref name="now"/>, at most <paramref name="limit"/>; and how many are open in all.
    /// </summary>
    public static async Task<(IReadOnlyList<Incident> Incidents, int Open)> ForTeamsAsync(PortalDbContext db, IReadOnlyCollection<string> teams,
        DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        if (teams.Count == 0)
        {
            return ([], 0);
        }
        var components = await CatalogReads.OwnedBy(db, CatalogKinds.Component, teams).Select(i => i.Ref).ToListAsync(cancellationToken);
        if (components.Count == 0)
        {
            return ([], 0);
        }
        var since = now - RecentlyResolved;
        var mine = db.Incidents.AsNoTracking().Where(i => components.Contains(i.ComponentRef));
        var open = await mine.CountAsync(i => i.Status != IncidentLifecycle.Resolved, cancellationToken);
        var incidents = await mine.Where(i => i.Status != IncidentLifecycle.Resolved || i.ResolvedAt >= since)
            .OrderBy(i => i.Status == IncidentLifecycle.Resolved ? 1 : 0).ThenByDescending(i => i.TriggeredAt).ThenBy(i => i.Id)
            .Take(limit).ToListAsync(cancellationToken);
        return (incidents, open);
    }
}
