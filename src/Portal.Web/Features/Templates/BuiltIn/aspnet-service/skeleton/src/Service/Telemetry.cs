using System.Reflection;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Service;

/// <summary>OpenTelemetry metrics and traces, exported over OTLP/HTTP to the portal (or any collector).</summary>
public static class Telemetry
{
    public const string DefaultServiceName = "${{ values.name }}";

    public static string ServiceVersion { get; } =
        typeof(Telemetry).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    /// <summary>The SLO's latency threshold (openslo.yaml) must be a bucket boundary for the ratio to be exact.</summary>
    private static readonly double[] DurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2.5, 5, 10];

    public static string ServiceName(IConfiguration configuration) =>
        configuration["Telemetry:ServiceName"] is { Length: > 0 } name ? name : DefaultServiceName;

    public static WebApplicationBuilder AddTelemetry(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName(configuration), serviceVersion: ServiceVersion))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddView("http.server.request.duration", new ExplicitBucketHistogramConfiguration { Boundaries = DurationBuckets })
                .AddOtlpExporter(options => ConfigureOtlp(options, configuration, "metrics")))
            // The portal takes metrics only; traces are exported once a collector or tracing backend is configured
            // with the standard OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT variables.
            .WithTracing(tracing => tracing
                // Probes would drown the real traffic.
                .AddAspNetCoreInstrumentation(options => options.Filter = context => !context.Request.Path.StartsWithSegments("/health"))
                .AddHttpClientInstrumentation()
                .AddOtlpTracesWhenConfigured(configuration));
        return builder;
    }

    private static TracerProviderBuilder AddOtlpTracesWhenConfigured(this TracerProviderBuilder tracing, IConfiguration configuration) =>
        string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]) && string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"])
            ? tracing
            : tracing.AddOtlpExporter(options => ConfigureOtlp(options, configuration, "traces"));

    // An export that fails (nothing listening) is logged by OpenTelemetry's own event source and never throws.
    private static void ConfigureOtlp(OtlpExporterOptions options, IConfiguration configuration, string signal)
    {
        options.Protocol = OtlpExportProtocol.HttpProtobuf;

        // The standard variables win: the exporter reads them itself and adds /v1/<signal> to the base URL.
        var standardVariableSet = !string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"])
            || !string.IsNullOrEmpty(configuration[$"OTEL_EXPORTER_OTLP_{signal.ToUpperInvariant()}_ENDPOINT"]);
        if (!standardVariableSet && configuration["Telemetry:OtlpEndpoint"] is { Length: > 0 } baseUrl)
        {
            // An endpoint set in code is used as it is, so it must be the signal's full path.
            options.Endpoint = new Uri($"{baseUrl.TrimEnd('/')}/v1/{signal}");
        }

        // A secret: read from the environment only, never from a file.
        if (Environment.GetEnvironmentVariable("PORTAL_INGEST_TOKEN") is { Length: > 0 } token)
        {
            options.Headers = $"Authorization=Bearer {token}";
        }
    }
}
