using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Identity;

namespace Portal.Web.Features.Slo;

public sealed record SloWindowView(string Kind, int? Days, string? TimeZone, DateTimeOffset Start, DateTimeOffset End);

public sealed record SloView(Guid Id, string Name, string? DisplayName, string Component, string? Owner, string Indicator, decimal? ThresholdSeconds,
    decimal Target, SloWindowView Window, string BudgetingMethod, decimal? TimesliceTarget, long MinEvents, string Status, decimal? Sli, long GoodEvents,
    long TotalEvents, ErrorBudget ErrorBudget, IReadOnlyDictionary<string, decimal?> BurnRates, double? HoursToExhaustion, bool Estimated,
    IReadOnlyList<RuleState> Alerts)
{
    /// <summary>The metrics of a ratio SLI.</summary>
    public RatioIndicator? Ratio { get; init; }

    /// <summary>The burn-rate rules alerts are evaluated by (the default policy unless the SLO sets its own).</summary>
    public IReadOnlyList<AlertRuleRequest> AlertPolicy { get; init; } = [];
}

public sealed record SloSeriesPoint(DateTimeOffset At, long Good, long Total, decimal? Sli, decimal? BudgetRemaining);

/// <summary>SLO definitions and their figures: one implementation for the API and the pages.</summary>
public static class SloEndpoints
{
    public static void MapSloApi(this WebApplication app)
    {
        var api = app.MapGroup("/api/slos").WithTags("SLOs").RequireAuthorization(PortalPolicies.CatalogRead);

        api.MapGet("/", async Task<Results<Ok<List<SloView>>, ValidationProblem>> (string? service, string? team, string? status,
            IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time, CancellationToken ct) =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            List<SloView> views;
            try
            {
                views = await ListAsync(db, time.GetUtcNow(), service, team, ct);
            }
            catch (FormatException ex)
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [team is null ? "service" : "service/team"] = [ex.Message] });
            }
            return TypedResults.Ok(views.Where(v => status is null || v.Status == status).OrderBy(v => v.ErrorBudget.Remaining ?? decimal.MaxValue).ToList());
        });

        api.MapGet("/{id:guid}", async Task<Results<Ok<SloView>, NotFound>> (Guid id, IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time,
            CancellationToken ct) =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var slo = await db.Set<SloDefinition>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
            return slo is null ? TypedResults.NotFound() : TypedResults.Ok(await ViewAsync(db, slo, time.GetUtcNow(), ct));
        });

        api.MapGet("/{id:guid}/series", async Task<Results<Ok<List<SloSeriesPoint>>, NotFound, ValidationProblem>> (Guid id, DateTimeOffset? from,
            DateTimeOffset? to, int? stepMinutes, IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time, CancellationToken ct) =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var slo = await db.Set<SloDefinition>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
            if (slo is null)
            {
                return TypedResults.NotFound();
            }
            var end = to ?? time.GetUtcNow();
            var start = from ?? slo.WindowAt(end).Start;
            var step = stepMinutes ?? 60;
            if (end <= start || step is < 1 or > 10080 || (end - start).TotalMinutes / step > 5000)
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["range"] = ["from must be before to, stepMinutes 1-10080, and at most 5,000 steps."] });
            }
            var minutes = await SeriesAsync(db, slo, start, end, time.GetUtcNow(), ct);
            var points = new List<SloSeriesPoint>();
            long runningGood = 0, runningTotal = 0;
            foreach (var group in minutes.GroupBy(m => start.AddMinutes(Math.Floor((m.Minute - start).TotalMinutes / step) * step)).OrderBy(g => g.Key))
            {
                var good = group.Sum(m => m.Good);
                var total = group.Sum(m => m.Total);
                runningGood += good;
                runningTotal += total;
                points.Add(new SloSeriesPoint(group.Key, good, total, total == 0 ? null : (decimal)good / total,
                    runningTotal == 0 ? null : 1 - (decimal)(runningTotal - runningGood) / runningTotal / (1 - slo.Target)));
            }
            return TypedResults.Ok(points);
        });

        api.MapGet("/{id:guid}/openslo", async Task<Results<ContentHttpResult, NotFound>> (Guid id, IDbContextFactory<PortalDbContext> dbFactory, CancellationToken ct) =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var slo = await db.Set<SloDefinition>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
            return slo is null ? TypedResults.NotFound() : TypedResults.Text(OpenSlo.Write(slo), "application/yaml");
        });

        // OpenSLO YAML in the body (application/yaml or text/plain), up to 1 MiB; every document gets its own outcome.
        api.MapPost("/import", async Task<Results<Ok<List<ImportedDocument>>, ValidationProblem>> (HttpRequest request, IDbContextFactory<PortalDbContext> dbFactory,
            TimeProvider time, HttpContext http, CancellationToken ct) =>
        {
            using var reader = new StreamReader(request.Body);
            var buffer = new char[1024 * 1024 + 1];
            var read = await reader.ReadBlockAsync(buffer, ct);
            if (read > 1024 * 1024)
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["The OpenSLO file is larger than 1 MiB."] });
            }
            var yaml = new string(buffer, 0, read);
            if (string.IsNullOrWhiteSpace(yaml))
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["Send OpenSLO v1 YAML (kind: SLO documents) in the request body."] });
            }
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            return TypedResults.Ok(await SloImport.ImportAsync(db, yaml, component => MayChangeAsync(db, http.User, component, ct), AuditActor.From(http),
                time.GetUtcNow(), null, ct));
        }).RequireAuthorization(PortalPolicies.CatalogWrite).Accepts<string>("application/yaml", "text/plain");

        // One click for a component that already sends http.server.request.duration: 99.9 % availability and 95 % under 300 ms.
        api.MapPost("/defaults", async Task<Results<Ok<List<ImportedDocument>>, ValidationProblem, ForbidHttpResult>> (string? component,
            IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time, HttpContext http, CancellationToken ct) =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var (errors, componentRef, forbidden) = await SloCommands.CheckAsync(db, http.User, null,
                new SloRequest("defaults", null, component, SliKinds.Availability, null, 0.999m, null, null, null, null), ct);
            if (errors.Count > 0)
            {
                return TypedResults.ValidationProblem(errors);
            }
            if (forbidden)
            {
                return TypedResults.Forbid();
            }
            var outcomes = await SloCommands.AddDefaultsAsync(db, http.User, AuditActor.From(http), componentRef!, time.GetUtcNow(), ct);
            return TypedResults.Ok(outcomes.Select((o, i) => new ImportedDocument(i, "SLO", o.Slo?.Name, o.Slo is null ? "error" : "created", o.Slo?.Id,
                o.Errors.SelectMany(e => e.Value).ToList(), [])).ToList());
        }).RequireAuthorization(PortalPolicies.CatalogWrite);

        api.MapPost("/", async Task<Results<Created<SloView>, ValidationProblem, ForbidHttpResult>> (SloRequest request,
            IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time, HttpContext http, CancellationToken ct) =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var now = time.GetUtcNow();
            var outcome = await SloCommands.SaveAsync(db, http.User, AuditActor.From(http), null, request, now, ct);
            if (outcome.Forbidden)
            {
                return TypedResults.Forbid();
            }
            return outcome.Slo is { } slo
                ? TypedResults.Created($"/api/slos/{slo.Id}", await ViewAsync(db, slo, now, ct))
                : TypedResults.ValidationProblem(outcome.Errors);
        }).RequireAuthorization(PortalPolicies.CatalogWrite);

        api.MapPut("/{id:guid}", async Task<Results<Ok<SloView>, ValidationProblem, ForbidHttpResult, NotFound>> (Guid id, SloRequest request,
            IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time, HttpContext http, CancellationToken ct) =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var now = time.GetUtcNow();
            var outcome = await SloCommands.SaveAsync(db, http.User, AuditActor.From(http), id, request, now, ct);
            if (outcome.Missing)
            {
                return TypedResults.NotFound();
            }
            if (outcome.Forbidden)
            {
                return TypedResults.Forbid();
            }
            return outcome.Slo is { } slo ? TypedResults.Ok(await ViewAsync(db, slo, now, ct)) : TypedResults.ValidationProblem(outcome.Errors);
        }).RequireAuthorization(PortalPolicies.CatalogWrite);

        api.MapDelete("/{id:guid}", async Task<Results<NoContent, ForbidHttpResult, NotFound>> (Guid id, IDbContextFactory<PortalDbContext> dbFactory,
            HttpContext http, CancellationToken ct) =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            return await SloCommands.DeleteAsync(db, http.User, AuditActor.From(http), id, ct) switch
            {
                null => TypedResults.NotFound(),
                false => TypedResults.Forbid(),
                true => TypedResults.NoContent(),
            };
        }).RequireAuthorization(PortalPolicies.CatalogWrite);
    }

    /// <summary>A component's SLOs are its owning team's to change (or an admin's).</summary>
    public static async Task<bool> MayChangeAsync(PortalDbContext db, ClaimsPrincipal user, string componentRef, CancellationToken ct)
    {
        var owner = await db.CatalogEntities.AsNoTracking().Where(e => e.EntityRef == componentRef).Select(e => e.Owner).FirstOrDefaultAsync(ct);
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
        var figures = SloMath.Compute(window => SloMath.Sum(minutes, end, window), periodSums, slo.Target, period, slo.Rules, slo.MinEvents);
        var owner = await db.CatalogEntities.AsNoTracking().Where(e => e.EntityRef == slo.ComponentRef).Select(e => e.Owner).FirstOrDefaultAsync(ct);
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
        var owners = await db.CatalogEntities.AsNoTracking().Where(e => components.Contains(e.EntityRef)).Select(e => new { e.EntityRef, e.Owner })
            .ToDictionaryAsync(e => e.EntityRef, e => e.Owner, ct);
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
        { Ratio = slo.Ratio, AlertPolicy = slo.Rules.Select(SloValidation.ToRequest).ToList() };

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
            var owned = db.CatalogEntities.Where(e => e.Owner == teamRef).Select(e => e.EntityRef);
            query = query.Where(s => owned.Contains(s.ComponentRef));
        }
        var slos = await query.OrderBy(s => s.ComponentRef).ThenBy(s => s.Name).Take(500).ToListAsync(ct);
        return await ViewsAsync(db, slos, now, false, ct);
    }
}
