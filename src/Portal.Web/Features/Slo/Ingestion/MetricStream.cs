namespace Portal.Web.Features.Slo.Ingestion;

/// <summary>
/// The last point of one cumulative stream (resource + scope + metric + unit + temporality + point attributes),
/// kept with the data so cumulative-to-delta survives a restart. Delta streams need no state.
/// </summary>
public sealed class MetricStream
{
    /// <summary>SHA-256 of the stream's identity, hex.</summary>
    public required string Key { get; set; }
    public required string ComponentRef { get; set; }
    public required string Metric { get; set; }
    public long StartUnixNano { get; set; }
    public long TimeUnixNano { get; set; }

    /// <summary>A sum's value, or a histogram's count.</summary>
    public double Value { get; set; }
    public double Sum { get; set; }
    public long[] BucketCounts { get; set; } = [];
    public double[] Bounds { get; set; } = [];
    public DateTimeOffset LastSeenAt { get; set; }

    /// <summary>
    /// Takes on a newer state of the same stream, in place: a state kept in memory for as long as its stream lives
    /// stays one object (an object replaced on every export would churn through the collector's oldest generation).
    /// </summary>
    public void MoveTo(MetricStream newer)
    {
        StartUnixNano = newer.StartUnixNano;
        TimeUnixNano = newer.TimeUnixNano;
        Value = newer.Value;
        Sum = newer.Sum;
        Bounds = newer.Bounds;
        if (BucketCounts.Length == newer.BucketCounts.Length)
        {
            newer.BucketCounts.CopyTo(BucketCounts, 0);
        }
        else
        {
            BucketCounts = [.. newer.BucketCounts];
        }
        LastSeenAt = newer.LastSeenAt;
    }
}
