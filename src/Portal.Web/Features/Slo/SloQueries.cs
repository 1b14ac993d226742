using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Identity;
using Portal.Web.Features.Slo.Ingestion;

namespace Portal.Web.Features.Slo;

/// <summary>SLO definitions and their figures: one implementation for the API (<see cref="SloEndpoints"/>) and the pages.</summary>
public static class SloQueries
{
    /// <summary>A component's SLOs are its owning team's to change (or an admin's).</summary>
    public static async Task<bool> MayChangeAsync(PortalDbContext db, ClaimsPrincipal user, string componentRef, CancellationToken ct)
    {
        var owner = await CatalogReads.OwnerOfAsync(db, componentRef, ct);
        return AccessRules.CanChangeOwnedBy(AccessFacts.From(user), owner);
    }

    /// <summary>The SLO's stored counts over [start, end] for charts (minutes or hours, see <see cref="SloCountStore.SeriesAsync"/>).</summary>
    public static async Task<List<MinuteCounts>> SeriesAsync(PortalDbContext db, SloDefinition slo, DateTimeOffset start, DateTimeOffset end, DateTimeOffset now,
        CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        return await SloCountStore.SeriesAsync((Npgsql.NpgsqlConnection)db.Database.GetDbConnection(), slo, start, end, now, ct);
    }

    /// <summary>
    /// What an SLO not yet saved would show, computed from the component's RED minutes (availability and latency; a
    /// ratio SLO counts from when it is saved, so it has nothing to preview).
    /// </summary>
    public static async Task<(SloView View, List<MinuteCounts> Minutes)> PreviewAsync(PortalDbContext db, SloDefinition slo, DateTimeOffset now, CancellationToken ct)
    {
        var (start, period) = slo.WindowAt(now);
        var end = SloMath.MinuteOf(now);
        var (minutes, estimated) = slo.Indicator == SliKinds.Ratio ? ([], false)
            : await MinutesAsync(db, slo, new[] { start, end - TimeSpan.FromDays(3) }.Min(), end, ct);
        var periodSums = SloMath.Sum(minutes, end, end - start + TimeSpan.FromMinutes(1));
        var figures = SloMath.Compute(window => SloMath.Sum(minutes, end, window), periodSums, slo.Target, period, slo.Rules, slo.MinEvents, slo.NoDataMinutes);
        var owner = await CatalogReads.OwnerOfAsync(db, slo.ComponentRef, ct);
        return (ToView(slo, figures, start, end, owner, estimated), minutes);
    }

    public static async Task<(List<MinuteCounts> Minutes, bool Estimated)> MinutesAsync(PortalDbContext db, SloDefinition slo, DateTimeOffset start,
        DateTimeOffset end, CancellationToken ct)
    {
        var rows = await db.Set<ServiceMinute>().AsNoTracking()
            .Where(m => m.ComponentRef == slo.ComponentRef && m.Minute >= start && m.Minute <= end).ToListAsync(ct);
        return SliMinutes.From(slo, rows);
    }

    public static async Task<SloView> ViewAsync(PortalDbContext db, SloDefinition slo, DateTimeOffset now, CancellationToken ct) =>
        (await ViewsAsync(db, [slo], now, false, ct))[0];

    /// <summary>The views of many SLOs, their figures summed together (see <see cref="SloEvaluation"/>), in the order given.</summary>
    public static async Task<List<SloView>> ViewsAsync(PortalDbContext db, IReadOnlyList<SloDefinition> slos, DateTimeOffset now, bool allSlos, CancellationToken ct)
    {
        var results = await SloEvaluation.EvaluateAsync(db, slos, now, allSlos, ct);
        var estimated = await SloEvaluation.EstimatedAsync(db, slos, ct);
        var components = slos.Select(s => s.ComponentRef).Distinct().ToList();
        var owners = await CatalogReads.Entities(db).Where(i => components.Contains(i.Ref)).Select(i => new { i.Ref, i.Owner })
            .ToDictionaryAsync(i => i.Ref, i => i.Owner, ct);
        return slos.Select(slo =>
        {
            var (_, figures, start, end) = results[slo.Id];
            return ToView(slo, figures, start, end, owners.GetValueOrDefault(slo.ComponentRef), estimated.Contains(slo.Id));
        }).ToList();
    }

    private static SloView ToView(SloDefinition slo, SloFigures figures, DateTimeOffset start, DateTimeOffset end, string? owner, bool estimated) =>
        new(slo.Id, slo.Name, slo.DisplayName, slo.ComponentRef, owner, slo.Indicator, slo.ThresholdSeconds,
            slo.Target, new SloWindowView(slo.WindowKind, slo.WindowKind == "rolling" ? slo.WindowDays : null, slo.WindowKind == "calendar" ? slo.TimeZone : null,
                start, end),
            slo.BudgetingMethod, slo.TimesliceTarget, slo.MinEvents, Status(figures), figures.Sli, figures.GoodEvents, figures.TotalEvents, figures.ErrorBudget,
            figures.BurnRates, figures.TimeToExhaustion?.TotalHours, estimated, figures.Rules)
        { Ratio = slo.Ratio, AlertPolicy = slo.Rules.Select(SloValidation.ToRequest).ToList(), NoDataMinutes = slo.NoDataMinutes };

    /// <summary>no-data, breached (budget spent), warning (an alert condition holds or under a quarter left), ok.</summary>
    public static string Status(SloFigures figures) => figures.TotalEvents == 0 ? "no-data"
        : figures.ErrorBudget.Remaining <= 0 ? "breached"
        : figures.Rules.Any(r => r.Firing) || figures.ErrorBudget.Remaining < 0.25m ? "warning"
        : "ok";

    public static async Task<List<SloView>> ListAsync(PortalDbContext db, DateTimeOffset now, string? service, string? team, CancellationToken ct)
    {
        var query = db.Set<SloDefinition>().AsNoTracking();
        if (!string.IsNullOrWhiteSpace(service))
        {
            var componentRef = EntityRef.Parse(service, defaultKind: "component").ToString();
            query = query.Where(s => s.ComponentRef == componentRef);
        }
        if (!string.IsNullOrWhiteSpace(team))
        {
            var teamRef = EntityRef.Parse(team, defaultKind: "group").ToString();
            // Composed, not run: it stays a subquery of the SLO query.
            var owned = CatalogReads.Entities(db).Where(i => i.Owner == teamRef).Select(i => i.Ref);
            query = query.Where(s => owned.Contains(s.ComponentRef));
        }
        var slos = await query.OrderBy(s => s.ComponentRef).ThenBy(s => s.Name).Take(500).ToListAsync(ct);
        return await ViewsAsync(db, slos, now, false, ct);
    }

    /// <summary>Which catalog components sent metrics in the last 24 hours, and which service names matched none.</summary>
    public static async Task<TelemetryCoverage> CoverageAsync(PortalDbContext db, DateTimeOffset now, CancellationToken ct)
    {
        var since = now.AddHours(-24);
        var components = await CatalogReads.Active(db, CatalogKinds.Component).CountAsync(ct);
        var reporting = await db.Set<TelemetrySource>().AsNoTracking().Where(s => s.ComponentRef != null && s.LastSeenAt >= since && s.AcceptedPoints > 0)
            .Select(s => s.ComponentRef!).Distinct().OrderBy(r => r).ToListAsync(ct);
        var unknown = await db.Set<TelemetrySource>().AsNoTracking().Where(s => s.ComponentRef == null && s.LastSeenAt >= since)
            .OrderByDescending(s => s.LastSeenAt).Select(s => new UnknownService(s.ServiceName, s.LastSeenAt, s.RejectedPoints, s.LastRejection)).ToListAsync(ct);
        return new TelemetryCoverage(components, reporting.Count, components == 0 ? 0 : (double)reporting.Count / components, reporting, unknown);
    }

    /// <summary>The teams (catalog groups, orphans included) the SLO list filters by.</summary>
    public static Task<List<string>> TeamsAsync(PortalDbContext db, CancellationToken ct) =>
        CatalogReads.Entities(db).Where(i => i.Kind == CatalogKinds.Group).OrderBy(i => i.Name).Select(i => i.Ref).ToListAsync(ct);
}
