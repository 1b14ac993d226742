using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;

namespace Portal.Web.Features.Cost;

/// <summary>
/// Cost's read surface for other features (scorecards): per-team totals and how much of them is attributed to a
/// component, so no other feature reads the cost tables (the architecture test enforces it).
/// </summary>
public static class CostReads
{
    /// <summary>
    /// Each catalog team's effective cost over the days [<paramref name="from"/>, <paramref name="to"/>) and the part attributed to a
    /// component; keyed by team name (as cost attributes it, e.g. <c>payments</c>). Shared and unallocated cost belong to no team.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, TeamCostShare>> TeamAttributionAsync(PortalDbContext db, DateTime from, DateTime to,
        CancellationToken cancellationToken) =>
        await db.Set<CostDaily>().AsNoTracking()
            .Where(d => d.Day >= from && d.Day < to && d.Team != null && d.Team != CostAttribution.SharedTeam)
            .GroupBy(d => d.Team!)
            .Select(g => new { Team = g.Key, Total = g.Sum(d => d.EffectiveCost), Attributed = g.Where(d => d.Component != null).Sum(d => d.EffectiveCost) })
            .ToDictionaryAsync(g => g.Team, g => new TeamCostShare(g.Total, g.Attributed), cancellationToken);
}

/// <summary>A team's cost over a window and the part of it attributed to a component.</summary>
public sealed record TeamCostShare(decimal Total, decimal Attributed);
