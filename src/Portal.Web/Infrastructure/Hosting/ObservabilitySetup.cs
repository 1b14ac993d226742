using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Portal.Web.Infrastructure.Jobs;

namespace Portal.Web.Infrastructure.Hosting;

public static class ObservabilitySetup
{
    public const string ServiceName = "portal";

    public static WebApplicationBuilder AddObservability(this WebApplicationBuilder builder)
    {
        if (!builder.Environment.IsDevelopment())
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddJsonConsole(o => o.UseUtcTimestamp = true);
        }

        var otel = builder.Services.AddOpenTelemetry()
            // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES (e.g. the pod name) win over the defaults.
            .ConfigureResource(r => r
                .AddService(builder.Configuration["OTEL_SERVICE_NAME"] ?? ServiceName,
                    serviceVersion: typeof(ObservabilitySetup).Assembly.GetName().Version?.ToString(),
                    autoGenerateServiceInstanceId: false)
                .AddEnvironmentVariableDetector())
            .WithTracing(t => t
                .AddAspNetCoreInstrumentation(o => o.Filter = ctx => !ctx.Request.Path.StartsWithSegments("/health", StringComparison.Ordinal))
                .AddHttpClientInstrumentation()
                .AddNpgsql()
                .AddSource(JobTelemetryFilter.SourceName))
            .WithMetrics(m => m
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddMeter(JobTelemetryFilter.SourceName));

        // The standard variable turns export on; without it nothing leaves the process.
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            otel.UseOtlpExporter();
        }
        return builder;
    }

    public static void MapHealth(this WebApplication app)
    {
        // Live: the process answers. Ready: the database and Hangfire storage answer too.
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") }).AllowAnonymous();
    }
}
