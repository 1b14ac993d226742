using Grpc.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Portal.Web.Features.Identity;
using Portal.Web.Features.Slo.Otlp.Collector;

namespace Portal.Web.Features.Slo;

/// <summary>
/// OTLP/gRPC <c>MetricsService/Export</c>, the .NET SDK's default protocol: the same checks and ingestion as
/// OTLP/HTTP, with the specification's gRPC statuses (partial success in the response; UNAVAILABLE when overloaded).
/// </summary>
public sealed class OtlpGrpcService(MetricsIngestion ingestion, ExportGate gate)
    : MetricsService.MetricsServiceBase
{
    public override async Task<ExportMetricsServiceResponse> Export(ExportMetricsServiceRequest request, ServerCallContext context)
    {
        using var slot = await gate.EnterAsync(context.CancellationToken)
            ?? throw new RpcException(new Status(StatusCode.Unavailable, "Too many exports at once; retry later."));
        var user = context.GetHttpContext().User;
        var allowed = user.FindAll(PortalClaims.IngestService).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        try
        {
            return (await ingestion.ExportAsync(request, allowed, context.CancellationToken)).ToResponse();
        }
        catch (IngestConflictException ex)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, ex.Message + " Retry later."));
        }
    }

    /// <summary>
    /// Adds the HTTP/2-only gRPC port beside the portal's own addresses (naming any endpoint in code replaces the
    /// configured URLs, so those are bound here too).
    /// </summary>
    public static void ListenForGrpc(WebApplicationBuilder builder)
    {
        var port = builder.Configuration.GetValue<int?>($"{SloOptions.Section}:GrpcPort") ?? 4317;
        if (port == 0)
        {
            return;
        }
        // The addresses Kestrel would have used: urls (ASPNETCORE_URLS), else http_ports (ASPNETCORE_HTTP_PORTS, set by the
        // .NET container images), else its default.
        var configured = builder.Configuration["urls"] ?? builder.Configuration["ASPNETCORE_URLS"];
        var ports = builder.Configuration["http_ports"] ?? builder.Configuration["ASPNETCORE_HTTP_PORTS"];
        var urls = (configured ?? (ports is null ? "http://localhost:5000"
                : string.Join(';', ports.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => $"http://+:{p}"))))
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            foreach (var url in urls)
            {
                var uri = new Uri(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal));
                if (uri.Scheme != Uri.UriSchemeHttp)
                {
                    throw new InvalidOperationException($"With the OTLP/gRPC port on, the portal binds {url} itself and supports http:// URLs only; put TLS in front, or set Portal:Slo:GrpcPort to 0.");
                }
                if (uri.Host == "localhost")
                {
                    kestrel.ListenLocalhost(uri.Port);
                }
                else if (uri.Host == "0.0.0.0")
                {
                    kestrel.ListenAnyIP(uri.Port);
                }
                else
                {
                    kestrel.Listen(System.Net.IPAddress.Parse(uri.Host), uri.Port);
                }
            }
            kestrel.ListenAnyIP(port, listen => listen.Protocols = HttpProtocols.Http2);
        });
    }
}
