namespace Portal.IntegrationTests.Slo;

/// <summary>
/// The SDK's exporter sends with the synchronous HttpClient.Send, which the in-memory TestServer refuses; this
/// handler runs the asynchronous send for it (the request still goes through the real pipeline).
/// </summary>
internal sealed class SynchronousSend(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        SendAsync(request, cancellationToken).GetAwaiter().GetResult();
}

/// <summary>The SDK's OTLP exporter pointed at an in-process portal: http/protobuf, the token, cumulative, exported only when flushed.</summary>
internal static class PortalExporter
{
    public static void Configure(OpenTelemetry.Exporter.OtlpExporterOptions exporter, OpenTelemetry.Metrics.MetricReaderOptions reader, PortalAppFactory factory,
        string token)
    {
        exporter.Protocol = OpenTelemetry.Exporter.OtlpExportProtocol.HttpProtobuf;
        exporter.Endpoint = new Uri(factory.Server.BaseAddress, "/v1/metrics");
        exporter.HttpClientFactory = () =>
        {
            var client = new HttpClient(new SynchronousSend(factory.Server.CreateHandler()));
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            return client;
        };
        reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 3_600_000;
        reader.TemporalityPreference = OpenTelemetry.Metrics.MetricReaderTemporalityPreference.Cumulative;
    }
}
