using Grpc.Core;
using Portal.Web.Features.Identity;
using Portal.Web.Features.Slo.Otlp.Collector;

namespace Portal.Web.Features.Slo.Ingestion;

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
}
