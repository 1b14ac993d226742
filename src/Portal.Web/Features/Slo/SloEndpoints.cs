using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Identity;
using Portal.Web.Features.Slo.Ingestion;
using Portal.Web.Infrastructure.OpenApi;

namespace Portal.Web.Features.Slo;

public sealed record SloSeriesPoint(DateTimeOffset At, long Good, long Total, decimal? Sli, decimal? BudgetRemaining);

public sealed record RedPoint(DateTimeOffset At, long Requests, long Errors, double? ErrorRatio, double? MeanSeconds);

/// <summary>
/// The SLO API under <c>/api/slos</c>; the figures come from <see cref="SloQueries"/>, changes from <see cref="SloCommands"/>.
/// The OTLP receiver keeps the standard's paths (<see cref="Ingestion.OtlpHttpEndpoint"/>, the gRPC service).
/// </summary>
public static class SloEndpoints
{
    public static void MapSloEndpoints(this WebApplication app)
    {
        var api = app.MapGroup("/api/slos").WithTags("SLOs").RequireAuthorization(PortalPolicies.CatalogRead);
        api.MapGet("/", ListViewsAsync)
            .WithName("ListSlos").WithSummary("List SLOs with their error budgets")
            .WithDescription("Every SLO with its current SLI, error budget and status, least budget left first; filter by `service`, `team` or `status`.");
        api.MapGet("/alerts", AlertsAsync)
            .WithName("ListSloAlerts").WithSummary("List SLO alerts").WithDescription("The 500 most recent burn-rate alerts, optionally in one `state`.");
        api.MapGet("/coverage", CoverageAsync)
            .WithName("GetTelemetryCoverage").WithSummary("Telemetry coverage").WithDescription("Which catalog services send metrics, which do not, and metrics from services the catalog does not know.");
        api.MapGet("/services/{ns}/{name}/red", RedAsync)
            .WithName("GetServiceRed").WithSummary("Rate, errors and duration of a service")
            .WithDescription("Requests, errors and mean duration per step (`stepMinutes`, default 1) between `from` and `to` (default: the last 6 hours).");
        api.MapGet("/{id:guid}", GetAsync)
            .WithName("GetSlo").WithSummary("Get an SLO").WithDescription("The SLO with its objective, windows, SLI and error budget.");
        api.MapGet("/{id:guid}/series", SeriesAsync)
            .WithName("GetSloSeries").WithSummary("SLI and error budget over time").WithDescription("Good and total events, SLI and budget remaining per step between `from` and `to`.");
        api.MapGet("/{id:guid}/openslo", OpenSloAsync)
            .WithName("ExportOpenSlo").WithSummary("Export an SLO as OpenSLO").WithDescription("The SLO as an OpenSLO v1 YAML document.")
            .Produces<string>(StatusCodes.Status200OK, "application/yaml");
        api.MapGet("/{id:guid}/alerts", SloAlertsAsync)
            .WithName("ListAlertsOfSlo").WithSummary("List one SLO's alerts").WithDescription("The 500 most recent alerts of the SLO.");
        // OpenSLO YAML in the body (application/yaml or text/plain), up to 1 MiB; every document gets its own outcome.
        api.MapPost("/import", ImportAsync).RequireAuthorization(PortalPolicies.CatalogWrite).Accepts<string>("application/yaml", "text/plain")
            .WithName("ImportOpenSlo").WithSummary("Import OpenSLO documents")
            .WithDescription("OpenSLO v1 YAML (one or more `kind: SLO` documents, up to 1 MiB). Each document gets its own outcome; "
                + "a document for a component the caller's team does not own is refused in its outcome.");
        api.MapPost("/defaults", DefaultsAsync).RequireAuthorization(PortalPolicies.CatalogWrite)
            .WithName("AddDefaultSlos").WithSummary("Add the default SLOs to a component").WithDescription("Availability and latency SLOs with the portal's defaults, for the owning team.");
        api.MapPost("/", CreateAsync).RequireAuthorization(PortalPolicies.CatalogWrite)
            .WithName("CreateSlo").WithSummary("Create an SLO").WithDescription("Only the team that owns the component (or an admin) may add its SLOs.");
        api.MapPut("/{id:guid}", UpdateAsync).RequireAuthorization(PortalPolicies.CatalogWrite)
            .WithName("UpdateSlo").WithSummary("Change an SLO");
        api.MapDelete("/{id:guid}", DeleteAsync).RequireAuthorization(PortalPolicies.CatalogWrite)
            .WithName("DeleteSlo").WithSummary("Delete an SLO");

        // The first prefix, kept because clients call it: the same handlers, left out of the OpenAPI document, answered with Deprecation and Sunset.
        var alias = app.MapDeprecatedAlias("/api/slo", "/api/slos", ApiDeprecations.SloPrefixMoved, ApiDeprecations.SloPrefixSunset)
            .WithTags("SLOs").RequireAuthorization(PortalPolicies.CatalogRead);
        alias.MapGet("/coverage", CoverageAsync);
        alias.MapGet("/services/{ns}/{name}/red", RedAsync);
    }

    private static async Task<Results<Ok<List<SloView>>, ValidationProblem>> ListViewsAsync(string? service, string? team, string? status, PortalDbContext db,
        TimeProvider time, CancellationToken ct)
    {
        List<SloView> views;
        try
        {
            views = await SloQueries.ListAsync(db, time.GetUtcNow(), service, team, ct);
        }
        catch (FormatException ex)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [team is null ? "service" : "service/team"] = [ex.Message] });
        }
        return TypedResults.Ok(views.Where(v => status is null || v.Status == status).OrderBy(v => v.ErrorBudget.Remaining ?? decimal.MaxValue).ToList());
    }

    private static async Task<Ok<List<SloAlert>>> AlertsAsync(string? state, PortalDbContext db, CancellationToken ct)
    {
        var query = db.Set<SloAlert>().AsNoTracking();
        if (!string.IsNullOrWhiteSpace(state))
        {
            query = query.Where(a => a.State == state);
        }
        return TypedResults.Ok(await query.OrderByDescending(a => a.PendingAt).Take(500).ToListAsync(ct));
    }

    private static async Task<Ok<List<SloAlert>>> SloAlertsAsync(Guid id, PortalDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await db.Set<SloAlert>().AsNoTracking().Where(a => a.SloId == id).OrderByDescending(a => a.PendingAt).Take(500).ToListAsync(ct));

    private static async Task<Ok<TelemetryCoverage>> CoverageAsync(PortalDbContext db, TimeProvider time, CancellationToken ct) =>
        TypedResults.Ok(await SloQueries.CoverageAsync(db, time.GetUtcNow(), ct));

    private static async Task<Results<Ok<List<RedPoint>>, ValidationProblem>> RedAsync(string ns, string name, DateTimeOffset? from, DateTimeOffset? to,
        int? stepMinutes, PortalDbContext db, TimeProvider time, CancellationToken ct)
    {
        var end = to ?? time.GetUtcNow();
        var start = from ?? end.AddHours(-6);
        var step = stepMinutes ?? 1;
        if (end <= start || step is < 1 or > 1440 || (end - start).TotalMinutes / step > 5000)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["range"] = ["from must be before to, stepMinutes 1-1440, and at most 5,000 steps."],
            });
        }
        var component = new EntityRef("component", ns, name).ToString();
        var rows = await db.Set<ServiceMinute>().AsNoTracking().Where(m => m.ComponentRef == component && m.Minute >= start && m.Minute < end)
            .OrderBy(m => m.Minute).ToListAsync(ct);
        return TypedResults.Ok(rows.GroupBy(m => start.AddMinutes(Math.Floor((m.Minute - start).TotalMinutes / step) * step))
            .Select(g =>
            {
                var requests = g.Sum(m => m.Requests);
                var errors = g.Sum(m => m.Errors);
                return new RedPoint(g.Key, requests, errors, requests == 0 ? null : (double)errors / requests,
                    requests == 0 ? null : g.Sum(m => m.DurationSum) / requests);
            }).ToList());
    }

    private static async Task<Results<Ok<SloView>, NotFound>> GetAsync(Guid id, PortalDbContext db, TimeProvider time, CancellationToken ct)
    {
        var slo = await db.Set<SloDefinition>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
        return slo is null ? TypedResults.NotFound() : TypedResults.Ok(await SloQueries.ViewAsync(db, slo, time.GetUtcNow(), ct));
    }

    private static async Task<Results<Ok<List<SloSeriesPoint>>, NotFound, ValidationProblem>> SeriesAsync(Guid id, DateTimeOffset? from, DateTimeOffset? to,
        int? stepMinutes, PortalDbContext db, TimeProvider time, CancellationToken ct)
    {
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
        var minutes = await SloQueries.SeriesAsync(db, slo, start, end, time.GetUtcNow(), ct);
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
    }

    private static async Task<Results<ContentHttpResult, NotFound>> OpenSloAsync(Guid id, PortalDbContext db, CancellationToken ct)
    {
        var slo = await db.Set<SloDefinition>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
        return slo is null ? TypedResults.NotFound() : TypedResults.Text(OpenSlo.Write(slo), "application/yaml");
    }

    private static async Task<Results<Ok<List<ImportedDocument>>, ValidationProblem>> ImportAsync(HttpRequest request, PortalDbContext db, TimeProvider time,
        HttpContext http, CancellationToken ct)
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
        return TypedResults.Ok(await SloImport.ImportAsync(db, yaml, component => SloQueries.MayChangeAsync(db, http.User, component, ct), AuditActor.From(http),
            time.GetUtcNow(), null, ct));
    }

    /// <summary>One click for a component that already sends http.server.request.duration: 99.9 % availability and 95 % under 300 ms.</summary>
    private static async Task<Results<Ok<List<ImportedDocument>>, ValidationProblem, ForbidHttpResult>> DefaultsAsync(string? component, PortalDbContext db,
        TimeProvider time, HttpContext http, CancellationToken ct)
    {
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
    }

    private static async Task<Results<Created<SloView>, ValidationProblem, ForbidHttpResult>> CreateAsync(SloRequest request, PortalDbContext db,
        TimeProvider time, HttpContext http, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var outcome = await SloCommands.SaveAsync(db, http.User, AuditActor.From(http), null, request, now, ct);
        if (outcome.Forbidden)
        {
            return TypedResults.Forbid();
        }
        return outcome.Slo is { } slo
            ? TypedResults.Created($"/api/slos/{slo.Id}", await SloQueries.ViewAsync(db, slo, now, ct))
            : TypedResults.ValidationProblem(outcome.Errors);
    }

    private static async Task<Results<Ok<SloView>, ValidationProblem, ForbidHttpResult, NotFound>> UpdateAsync(Guid id, SloRequest request, PortalDbContext db,
        TimeProvider time, HttpContext http, CancellationToken ct)
    {
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
        return outcome.Slo is { } slo ? TypedResults.Ok(await SloQueries.ViewAsync(db, slo, now, ct)) : TypedResults.ValidationProblem(outcome.Errors);
    }

    private static async Task<Results<NoContent, ForbidHttpResult, NotFound>> DeleteAsync(Guid id, PortalDbContext db, HttpContext http, CancellationToken ct) =>
        await SloCommands.DeleteAsync(db, http.User, AuditActor.From(http), id, ct) switch
        {
            null => TypedResults.NotFound(),
            false => TypedResults.Forbid(),
            true => TypedResults.NoContent(),
        };
}
