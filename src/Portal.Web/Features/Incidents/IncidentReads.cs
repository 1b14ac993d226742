using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;

namespace Portal.Web.Features.Incidents;

/// <summary>
/// Incidents' read surface: what other features (Scorecards' incident checks, Delivery's change failure rate and time
/// to restore) may ask about on-call, alert routing and incidents, so they never touch the incident tables or options
/// (the architecture test enforces it).
/// </summary>
public static class IncidentReads
{
    /// <summary>
    /// The teams (full lower-case group refs) with an on-call schedule that has at least one layer with someone in it,
    /// in one query. A schedule with no people pages nobody, so it does not count.
    /// </summary>
    public static async Task<IReadOnlySet<string>> TeamsOnCallAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        var schedules = await db.OnCallSchedules.AsNoTracking().Select(s => new { s.Team, s.Layers }).ToListAsync(cancellationToken);
        return schedules.Where(s => s.Layers.Any(l => l.Users.Count > 0)).Select(s => s.Team.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// The incidents of the given components (null: every component) opened in [from, to), with when each was restored:
    /// mitigated, or resolved (resolving mitigates too); null while neither. One query, oldest first.
    /// </summary>
    public static async Task<IReadOnlyList<OpenedIncident>> OpenedAsync(PortalDbContext db, IReadOnlyCollection<string>? components, DateTimeOffset from,
        DateTimeOffset to, CancellationToken cancellationToken)
    {
        var query = db.Set<Incident>().AsNoTracking().Where(i => i.TriggeredAt >= from && i.TriggeredAt < to);
        if (components is not null)
        {
            query = query.Where(i => components.Contains(i.ComponentRef));
        }
        return await query.OrderBy(i => i.TriggeredAt)
            .Select(i => new OpenedIncident(i.ComponentRef, i.TriggeredAt, i.MitigatedAt ?? i.ResolvedAt)).ToListAsync(cancellationToken);
    }

    /// <summary>Which teams' incidents reach a receiver, from the configured receivers.</summary>
    public static AlertRouting Routing(IncidentsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new AlertRouting(options.Receivers.Any(r => string.IsNullOrWhiteSpace(r.Team)),
            options.Receivers.Where(r => !string.IsNullOrWhiteSpace(r.Team)).Select(r => r.Team!.Trim().ToLowerInvariant()).ToHashSet(StringComparer.Ordinal));
    }
}

/// <summary>
/// Where incidents are sent: <see cref="EveryTeam"/> when a receiver takes every team's incidents, else the teams a
/// receiver names. Registered as a singleton by <see cref="IncidentsSetup"/> (the receivers are configuration).
/// </summary>
public sealed record AlertRouting(bool EveryTeam, IReadOnlySet<string> Teams)
{
    public bool Routes(string team) => EveryTeam || Teams.Contains(team.ToLowerInvariant());
}

/// <summary>An incident of a component: when it opened, and when it was restored (mitigated or resolved; null while open).</summary>
public sealed record OpenedIncident(string ComponentRef, DateTimeOffset OpenedAt, DateTimeOffset? RestoredAt);
