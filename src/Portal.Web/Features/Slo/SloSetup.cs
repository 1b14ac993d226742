using OpenTelemetry.Metrics;
using Microsoft.Extensions.Options;
using Hangfire;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Identity;
using Portal.Web.Features.Slo.Ingestion;
using Portal.Web.Features.Slo.Pages;
using Portal.Web.Infrastructure.Extensions;

namespace Portal.Web.Features.Slo;

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
        var selfInterval = builder.Configuration.GetValue<int?>($"{SloOptions.Section}:SelfMetricsIntervalSeconds") ?? 30;
        if (selfInterval > 0)
        {
            // The portal's own SLO (M1): its request metrics into its own store, in process (no collector).
            builder.Services.ConfigureOpenTelemetryMeterProvider(m => m.AddReader(sp => new PeriodicExportingMetricReader(
                new SelfMetricsExporter(sp.GetRequiredService<MetricsIngestion>(), sp.GetRequiredService<IOptions<SloOptions>>().Value.SelfServiceName,
                    sp.GetRequiredService<ILogger<SelfMetricsExporter>>()), selfInterval * 1000)
            {
                TemporalityPreference = MetricReaderTemporalityPreference.Cumulative,
            }));
        }
        builder.Services.AddSingleton(new EntityTab("SLOs", "slos", new HashSet<string> { CatalogKinds.Component }, typeof(ComponentSlos), 10));
        builder.Services.AddSingleton(new HomeCard(typeof(MySlosHomeCard), 20));
        builder.Services.AddSingleton<IComponentFactColumn, SloFactColumn>();
        builder.Services.AddSingleton(new HomeCard(typeof(TelemetryCoverageHomeCard), 100));
        return builder;
    }

    /// <summary>Every SLO's burn-rate rules are evaluated once a minute under a stable id.</summary>
    /// <summary>
    /// Before this process ingests (under the start-up lock): stream state an earlier version journalled without
    /// partitions is folded into the table (see <see cref="StreamJournal.FoldLegacyAsync"/>).
    /// </summary>
    public static async Task FoldLegacyStreamJournalAsync(this WebApplication app)
    {
        await using var connection = new Npgsql.NpgsqlConnection(app.Services.GetRequiredService<Infrastructure.Hosting.PortalDatabase>().ConnectionString);
        await connection.OpenAsync();
        await StreamJournal.FoldLegacyAsync(connection, CancellationToken.None);
    }

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
        app.MapSloEndpoints();
    }
}
