namespace Portal.Web.Features.Slo.Ingestion;

/// <summary>
/// One point an SLO can use, with its stream identity: a histogram point of <c>http.server.request.duration</c> (with its
/// error class), or a point of a monotonic sum or histogram a ratio SLO names (with its attributes; a sum's value is its count).
/// </summary>
public sealed record MetricSample(
    string StreamKey,
    string ServiceName,
    string Metric,
    bool Cumulative,
    long StartUnixNano,
    long TimeUnixNano,
    long Count,
    double Sum,
    long[] BucketCounts,
    double[] Bounds,
    bool IsServerError,
    IReadOnlyDictionary<string, string>? Attributes = null);
