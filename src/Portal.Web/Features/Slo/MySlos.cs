using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;

namespace Portal.Web.Features.Slo;

/// <summary>The SLOs' part of the personal home: the SLOs of the components a person's teams own that need attention.</summary>
public static class MySlos
{
    /// <summary>
    /// The SLOs of the teams' components (owners from the catalog's read surface) as of <paramref name="now"/>: those at
    /// risk, worst first (breached, then the least budget left), and how many SLOs the teams have in all.
    /// </summary>
    public static async Task<(IReadOnlyList<SloBudgetState> AtRisk, int Total)> ForTeamsAsync(PortalDbContext db, IReadOnlyCollection<string> teams,
        DateTimeOffset now, CancellationToken cancellationToken)
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
        var states = await SloReads.BudgetStatesAsync(db, components, now, cancellationToken);
        var atRisk = states.Where(IsAtRisk)
            .OrderBy(s => s.Status == "breached" ? 0 : 1).ThenBy(s => s.BudgetRemaining ?? decimal.MaxValue).ThenBy(s => s.Component).ThenBy(s => s.Name)
            .ToList();
        return (atRisk, states.Count);
    }

    /// <summary>Breached, warning (fast burn or under a quarter of the budget left), or an alert that fires now.</summary>
    public static bool IsAtRisk(SloBudgetState state) => state.Status is "breached" or "warning" || state.FiringAlerts.Count > 0;
}
