using System.ComponentModel.DataAnnotations;
using Portal.Web.Features.Slo.Ingestion;

namespace Portal.Web.Features.Slo;

public sealed class SloOptions
{
    public const string Section = "Portal:Slo";

    /// <summary>The largest OTLP request body, before and after gzip is undone.</summary>
    [Range(1024, 1024L * 1024 * 1024)] public long MaxBodyBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>
    /// The HTTP/2 cleartext port of the OTLP/gRPC receiver (the .NET SDK's default protocol); 0 turns it off. It serves
    /// the OTLP MetricsService only. Read at start by <see cref="OtlpGrpcListener"/>.
    /// </summary>
    [Range(0, 65535)] public int GrpcPort { get; set; } = OtlpGrpcListener.DefaultPort;

    /// <summary>
    /// Where the gRPC port listens: <c>localhost</c>, an IP address, or <c>*</c> for every interface. Unset, it follows
    /// the web addresses' hosts (loopback for the default <c>http://localhost:5000</c>, every interface for
    /// <c>ASPNETCORE_HTTP_PORTS</c>).
    /// </summary>
    public string? GrpcAddress { get; set; }

    /// <summary>Export requests processed at once; more wait up to <see cref="QueueSeconds"/>, then get 503 with Retry-After.</summary>
    [Range(1, 256)] public int MaxConcurrentExports { get; set; } = 4;

    [Range(0, 60)] public double QueueSeconds { get; set; } = 5;

    /// <summary>Points stamped this far in the future are accepted (clock skew); beyond it they are rejected.</summary>
    [Range(0, 3600)] public int MaxClockSkewSeconds { get; set; } = 300;

    /// <summary>How far back a point may be (late data, backfill): the longest SLO window plus a margin.</summary>
    [Range(1, 400)] public int MaxBackfillDays { get; set; } = 35;

    /// <summary>Per-stream state of streams not seen for this long is dropped (the next point starts a new stream).</summary>
    [Range(1, 400)] public int StreamExpiryDays { get; set; } = 7;

    /// <summary>
    /// Exports between folds of the stream-state journal (each export appends one row of its streams' new states) into
    /// the per-stream table; a fold also happens a minute after the last one when anything is journalled.
    /// </summary>
    [Range(1, 100_000)] public int StreamFoldExports { get; set; } = 1000;

    /// <summary>
    /// A cumulative stream's first point counts only if the stream started at most this long before it; an older
    /// start means history from before the exporter pointed here, which becomes the baseline instead.
    /// </summary>
    [Range(0, 525600)] public int FirstPointMaxAgeMinutes { get; set; } = 10;

    /// <summary>
    /// A header the OTLP receivers also read the ingest token from (bare, or "Bearer" and the token), for exporters
    /// that cannot set Authorization; unset by default. Read by the token handler as
    /// <see cref="Identity.ApiTokenAuthenticationHandler.IngestTokenHeaderSetting"/>.
    /// </summary>
    public string? IngestTokenHeader { get; set; }

    /// <summary>OTLP <c>service.name</c> values that differ from the catalog component's name: service name to entity ref.</summary>
    public Dictionary<string, string> ServiceAliases { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// How often the portal's own request metrics go into its SLO store (the component <see cref="SelfServiceName"/>,
    /// its M1 availability); 0 turns it off.
    /// </summary>
    [Range(0, 3600)] public int SelfMetricsIntervalSeconds { get; set; } = 30;

    /// <summary>The catalog component the portal measures itself as.</summary>
    [Required, MaxLength(200)] public string SelfServiceName { get; set; } = "portal";
}
