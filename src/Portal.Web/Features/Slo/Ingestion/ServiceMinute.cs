namespace Portal.Web.Features.Slo.Ingestion;

/// <summary>
/// One minute of one component's HTTP server traffic (from <c>http.server.request.duration</c>): the RED series
/// the SLO pages chart. Raw points are never stored; each export adds its increase to the minute it belongs to.
/// </summary>
public sealed class ServiceMinute
{
    public required string ComponentRef { get; set; }
    public DateTimeOffset Minute { get; set; }
    public long Requests { get; set; }

    /// <summary>Server errors: status code >= 500, or error.type without a status code.</summary>
    public long Errors { get; set; }
    public double DurationSum { get; set; }

    /// <summary>Requests per bucket upper bound (seconds, invariant "R" format; "+Inf" for the last), non-cumulative.</summary>
    public Dictionary<string, long> LatencyBuckets { get; set; } = [];
}
