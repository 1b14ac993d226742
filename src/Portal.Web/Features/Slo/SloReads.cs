using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Web.Data;

namespace Portal.Web.Features.Slo;

/// <summary>
/// The SLOs' read surface for other features (the delivery gate): each SLO's error-budget state and its firing alerts,
/// so no other feature reads the SLO tables (the architecture test enforces it).
/// </summary>
public static class SloReads
{
    /// <summary>The recurring id of the alert cycle (<see cref="SloAlertJob"/>), for dashboards that show when it last ran.</summary>
    public const string AlertJobId = SloAlertJob.RecurringId;

    /// <summary>The catalog component name the portal's own request metrics (and so its own SLOs) go to (<c>Portal:Slo:SelfServiceName</c>).</summary>
    public static string SelfServiceName(IServiceProvider services) => services.GetRequiredService<IOptions<SloOptions>>().Value.SelfServiceName;

    /// <summary>The SLOs of these components (all SLOs when null) as of <paramref name="now"/>, with the burn-rate alerts firing now.</summary>
    public static async Task<IReadOnlyList<SloBudgetState>> BudgetStatesAsync(PortalDbContext db, IReadOnlyCollection<string>? componentRefs,
        DateTimeOffset now, CancellationToken ct)
    {
        var query = db.Set<SloDefinition>().AsNoTracking();
        if (componentRefs is not null)
        {
            query = query.Where(s => componentRefs.Contains(s.ComponentRef));
        }
        var slos = await query.OrderBy(s => s.ComponentRef).ThenBy(s => s.Name).ToListAsync(ct);
        if (slos.Count == 0)
        {
            return [];
        }
        var views = await SloQueries.ViewsAsync(db, slos, now, false, ct);
        var ids = slos.Select(s => s.Id).ToList();
        var firing = (await db.Set<SloAlert>().AsNoTracking().Where(a => ids.Contains(a.SloId) && a.State == AlertStates.Firing).ToListAsync(ct))
            .ToLookup(a => a.SloId);
        return views.Select(v => new SloBudgetState(v.Id, v.Name, v.DisplayName, v.Component, v.Target, v.Status, v.ErrorBudget.Remaining,
            v.TotalEvents,
            [.. firing[v.Id].Select(a => new SloFiringAlert(a.Rule, a.Severity, a.FiredAt, a.Explanation)),
             // A condition that holds now but that the minute job has not turned into an alert yet still counts as firing.
             .. v.Alerts.Where(r => r.Firing && !firing[v.Id].Any(a => a.Rule == $"{r.Severity}-{r.LongWindow}-{r.ShortWindow}"))
                .Select(r => new SloFiringAlert($"{r.Severity}-{r.LongWindow}-{r.ShortWindow}", r.Severity, null, r.Explanation))])
            { Sli = v.Sli, BudgetConsumed = v.ErrorBudget.Consumed }).ToList();
    }

    /// <summary>When each catalog component last sent metrics the portal accepted (components that never did are absent).</summary>
    public static async Task<IReadOnlyDictionary<string, DateTimeOffset>> TelemetryLastSeenAsync(PortalDbContext db, CancellationToken ct) =>
        await db.Set<Ingestion.TelemetrySource>().AsNoTracking().Where(s => s.ComponentRef != null && s.AcceptedPoints > 0)
            .GroupBy(s => s.ComponentRef!).Select(g => new { Ref = g.Key, LastSeen = g.Max(s => s.LastSeenAt) })
            .ToDictionaryAsync(g => g.Ref, g => g.LastSeen, ct);
}

/// <summary>An SLO's error budget now: <see cref="BudgetRemaining"/> is the share left (0 or less: spent), null without data.</summary>
public sealed record SloBudgetState(Guid SloId, string Name, string? DisplayName, string Component, decimal Target, string Status,
    decimal? BudgetRemaining, long TotalEvents, IReadOnlyList<SloFiringAlert> FiringAlerts)
{
    /// <summary>The share of good events over the SLO's window (0.999 for 99.9 %), null without data.</summary>
    public decimal? Sli { get; init; }

    /// <summary>The share of the error budget spent (above 1: overspent), null without data.</summary>
    public decimal? BudgetConsumed { get; init; }
}

/// <summary>A burn-rate alert that fires now (<see cref="FiredAt"/> null: the condition holds and the alert job has not fired it yet).</summary>
public sealed record SloFiringAlert(string Rule, string Severity, DateTimeOffset? FiredAt, string Explanation);
