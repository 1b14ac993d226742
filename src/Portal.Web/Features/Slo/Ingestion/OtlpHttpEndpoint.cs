using System.IO.Compression;
using Google.Protobuf;
using Microsoft.Extensions.Options;
using Portal.Web.Features.Identity;
using Portal.Web.Features.Slo.Otlp.Collector;
using Portal.Web.Features.Slo.Otlp.Rpc;

namespace Portal.Web.Features.Slo.Ingestion;

/// <summary>
/// OTLP/HTTP metrics receiver (<c>POST /v1/metrics</c>) per the OTLP specification: protobuf or JSON (answered in
/// the request's type), gzip, a body limit before and after decompression (413), <c>google.rpc.Status</c> on 400,
/// partial success for individually invalid points, 503 with Retry-After when too many exports are in flight.
/// </summary>
public static class OtlpHttpEndpoint
{
    public const string Protobuf = "application/x-protobuf";
    public const string Json = "application/json";

    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatEnumsAsIntegers(true));

    public static void MapOtlpHttp(this WebApplication app) =>
        app.MapPost("/v1/metrics", HandleAsync).WithTags("SLOs").RequireAuthorization(PortalPolicies.SloIngest).DisableAntiforgery()
            .Accepts<ExportMetricsServiceRequest>(Protobuf, Json)
            .WithName("ExportMetrics").WithSummary("Receive OTLP metrics (OTLP/HTTP)")
            .WithDescription("The OpenTelemetry Protocol's metrics export, for collectors and SDKs: an `ExportMetricsServiceRequest` as binary protobuf "
                + "(`application/x-protobuf`) or protobuf JSON (`application/json`), optionally gzip-compressed (`Content-Encoding: gzip`). "
                + "The answer comes in the request's content type; rejected points are reported as partial success in a 200. "
                + "Errors are a `google.rpc.Status` (an unknown content type gets a plain-text 415); 503 comes with `Retry-After`. Needs a token with `slo:ingest` (never a session).")
            .Produces<ExportMetricsServiceResponse>(StatusCodes.Status200OK, Protobuf, Json)
            .Produces<Status>(StatusCodes.Status400BadRequest, Protobuf, Json)
            .Produces<Status>(StatusCodes.Status413PayloadTooLarge, Protobuf, Json)
            .Produces<string>(StatusCodes.Status415UnsupportedMediaType, "text/plain")
            .Produces<Status>(StatusCodes.Status503ServiceUnavailable, Protobuf, Json);

    private static async Task<IResult> HandleAsync(HttpContext http, MetricsIngestion ingestion, ExportGate gate, IOptions<SloOptions> options,
        CancellationToken cancellationToken)
    {
        var mediaType = (http.Request.ContentType ?? "").Split(';')[0].Trim().ToLowerInvariant();
        if (mediaType is not (Protobuf or Json))
        {
            return Results.Text($"Content-Type must be {Protobuf} or {Json}.", "text/plain", statusCode: StatusCodes.Status415UnsupportedMediaType);
        }
        var encoding = http.Request.Headers.ContentEncoding.ToString().Trim().ToLowerInvariant();
        if (encoding is not ("" or "identity" or "gzip"))
        {
            return Status(mediaType, StatusCodes.Status415UnsupportedMediaType, $"Content-Encoding '{encoding}' is not supported; send gzip or no encoding.");
        }
        // The slot is taken before the body is read: it bounds the memory exports hold at once, not only the database work.
        using var slot = await gate.EnterAsync(cancellationToken);
        if (slot is null)
        {
            http.Response.Headers.RetryAfter = "5";
            return Status(mediaType, StatusCodes.Status503ServiceUnavailable, "Too many exports at once; retry after 5 seconds.");
        }
        var limit = options.Value.MaxBodyBytes;
        using var body = await PooledBody.ReadAsync(http.Request.Body, limit, http.Request.ContentLength, cancellationToken);
        if (body is null)
        {
            return Status(mediaType, StatusCodes.Status413PayloadTooLarge, $"The request body is larger than {limit} bytes.");
        }
        var (validGzip, unzipped) = encoding == "gzip" ? await GunzipAsync(body, limit, cancellationToken) : (true, null);
        using var decompressed = unzipped;
        if (!validGzip)
        {
            return Status(mediaType, StatusCodes.Status400BadRequest, "The body is not valid gzip.");
        }
        if (encoding == "gzip" && decompressed is null)
        {
            return Status(mediaType, StatusCodes.Status413PayloadTooLarge, $"The decompressed body is larger than {limit} bytes.");
        }
        var decoded = decompressed ?? body;
        ExportMetricsServiceRequest request;
        try
        {
            request = mediaType == Protobuf ? ExportMetricsServiceRequest.Parser.ParseFrom(decoded.Span)
                : Parser.Parse<ExportMetricsServiceRequest>(System.Text.Encoding.UTF8.GetString(decoded.Span));
        }
        catch (Exception ex) when (ex is InvalidProtocolBufferException or InvalidJsonException or FormatException or InvalidOperationException)
        {
            return Status(mediaType, StatusCodes.Status400BadRequest, "The body is not a valid ExportMetricsServiceRequest: " + ex.Message);
        }

        var allowed = http.User.FindAll(PortalClaims.IngestService).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        IngestOutcome outcome;
        try
        {
            outcome = await ingestion.ExportAsync(request, allowed, cancellationToken);
        }
        catch (IngestConflictException)
        {
            http.Response.Headers.RetryAfter = "1";
            return Status(mediaType, StatusCodes.Status503ServiceUnavailable, "Concurrent writes collided with this export; retry after 1 second.");
        }
        return Message(mediaType, StatusCodes.Status200OK, outcome.ToResponse());
    }

    private static IResult Status(string mediaType, int httpStatus, string message) =>
        Message(mediaType, httpStatus, new Status { Code = httpStatus == 400 ? 3 : httpStatus == 503 ? 14 : 3, Message = message });

    private static IResult Message(string mediaType, int status, IMessage message) => mediaType == Json
        ? Results.Text(Formatter.Format(message), Json, statusCode: status)
        : new StatusBytes(message.ToByteArray(), status);

    /// <summary>The gzip body undone: false when it is not valid gzip; a null body when it is larger than the limit.</summary>
    private static async Task<(bool Valid, PooledBody? Body)> GunzipAsync(PooledBody body, long limit, CancellationToken cancellationToken)
    {
        try
        {
            await using var gzip = new GZipStream(new MemoryStream(body.Array, 0, body.Length, writable: false), CompressionMode.Decompress);
            return (true, await PooledBody.ReadAsync(gzip, limit, null, cancellationToken));
        }
        catch (InvalidDataException)
        {
            return (false, null);
        }
    }

    /// <summary>Protobuf bytes with a status code (Results.Bytes has none).</summary>
    private sealed class StatusBytes(byte[] content, int status) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            httpContext.Response.ContentType = Protobuf;
            await httpContext.Response.Body.WriteAsync(content);
        }
    }
}
