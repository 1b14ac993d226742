using Hangfire;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;
using Portal.Web.Features.Identity;
using Portal.Web.Features.Catalog;

namespace Portal.Web.Features.Slo;

public sealed record UnknownService(string ServiceName, DateTimeOffset LastSeenAt, long RejectedPoints, string? Reason);

public sealed record TelemetryCoverage(int Components, int Reporting, double Share, IReadOnlyList<string> ReportingComponents,
    IReadOnlyList<UnknownService> UnknownServices);

public sealed record RedPoint(DateTimeOffset At, long Requests, long Errors, double? ErrorRatio, double? MeanSeconds);

public static class SloSetup
{
    public static WebApplicationBuilder AddSlo(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<SloOptions>().BindConfiguration(SloOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<MetricsIngestion>();
        builder.Services.AddSingleton<ExportGate>();
        builder.Services.AddTransient<SloAlertJob>();
        builder.Services.AddTransient<SloRetentionJob>();
        builder.Services.AddTransient<OpenSloAnnotationJob>();
        var maxBody = builder.Configuration.GetValue<long?>($"{SloOptions.Section}:MaxBodyBytes") ?? 16L * 1024 * 1024;
        // Only the OTLP service is mapped, and OtlpGrpcListener keeps every other path off the gRPC listener.
        builder.Services.AddGrpc(o =>
        {
            o.IgnoreUnknownServices = true;
            o.MaxReceiveMessageSize = (int)Math.Min(int.MaxValue, maxBody);
        });
        // Refused gRPC calls get gRPC statuses (UNAUTHENTICATED, PERMISSION_DENIED), not the cookie's redirect.
        builder.Services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, GrpcAuthorizationResultHandler>();
        OtlpGrpcListener.Listen(builder);
        return builder;
    }

    /// <summary>Every SLO's burn-rate rules are evaluated once a minute under a stable id.</summary>
    public static void ScheduleSloJobs(this WebApplication app)
    {
        var jobs = app.Services.GetRequiredService<IRecurringJobManager>();
        jobs.AddOrUpdate<SloAlertJob>(SloAlertJob.RecurringId, j => j.RunAsync(CancellationToken.None), Cron.Minutely());
        jobs.AddOrUpdate<SloRetentionJob>(SloRetentionJob.RecurringId, j => j.RunAsync(CancellationToken.None), Cron.Hourly());
        // The components' openslo.yaml files are read on the catalog's rhythm.
        jobs.AddOrUpdate<OpenSloAnnotationJob>(OpenSloAnnotationJob.RecurringId, j => j.RunAsync(CancellationToken.None), "*/5 * * * *");
    }

    public static void MapSlo(this WebApplication app)
    {
        app.MapOtlpHttp();
        app.MapGrpcService<OtlpGrpcService>().RequireAuthorization(PortalPolicies.SloIngest);
        app.MapSloApi();
        var api = app.MapGroup("/api/slo").WithTags("SLOs").RequireAuthorization(PortalPolicies.CatalogRead);
        app.MapGet("/api/slos/alerts", async (string? state, IDbContextFactory<PortalDbContext> dbFactory, CancellationToken ct) =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var query = db.Set<SloAlert>().AsNoTracking();
            if (!string.IsNullOrWhiteSpace(state))
            {
                query = query.Where(a => a.State == state);
            }
            return TypedResults.Ok(await query.OrderByDescending(a => a.PendingAt).Take(500).ToListAsync(ct));
        }).WithTags("SLOs").RequireAuthorization(PortalPolicies.CatalogRead);
        app.MapGet("/api/slos/{id:guid}/alerts", async (Guid id, IDbContextFactory<PortalDbContext> dbFactory, CancellationToken ct) =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            return TypedResults.Ok(await db.Set<SloAlert>().AsNoTracking().Where(a => a.SloId == id).OrderByDescending(a => a.PendingAt).Take(500).ToListAsync(ct));
        }).WithTags("SLOs").RequireAuthorization(PortalPolicies.CatalogRead);
        api.MapGet("/coverage", async (IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time, CancellationToken ct) =>
            TypedResults.Ok(await CoverageAsync(dbFactory, time.GetUtcNow(), ct)));
        api.MapGet("/services/{ns}/{name}/red", async Task<Results<Ok<List<RedPoint>>, ValidationProblem>> (string ns, string name, DateTimeOffset? from,
            DateTimeOffset? to, int? stepMinutes, IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time, CancellationToken ct) =>
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
            var component = new Catalog.EntityRef("component", ns, name).ToString();
            await using var db = await dbFactory.CreateDbContextAsync(ct);
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
        });
    }

    /// <summary>Which catalog components sent metrics in the last 24 hours, and which service names matched none.</summary>
    public static async Task<TelemetryCoverage> CoverageAsync(IDbContextFactory<PortalDbContext> dbFactory, DateTimeOffset now, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var since = now.AddHours(-24);
        var components = await db.CatalogEntities.CountAsync(e => e.Kind == "Component" && e.OrphanedAt == null, ct);
        var reporting = await db.Set<TelemetrySource>().AsNoTracking().Where(s => s.ComponentRef != null && s.LastSeenAt >= since && s.AcceptedPoints > 0)
            .Select(s => s.ComponentRef!).Distinct().OrderBy(r => r).ToListAsync(ct);
        var unknown = await db.Set<TelemetrySource>().AsNoTracking().Where(s => s.ComponentRef == null && s.LastSeenAt >= since)
            .OrderByDescending(s => s.LastSeenAt).Select(s => new UnknownService(s.ServiceName, s.LastSeenAt, s.RejectedPoints, s.LastRejection)).ToListAsync(ct);
        return new TelemetryCoverage(components, reporting.Count, components == 0 ? 0 : (double)reporting.Count / components, reporting, unknown);
    }
}
