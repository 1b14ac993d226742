using System.Globalization;

namespace Portal.Web.Features.Slo.Ingestion;

/// <summary>The increase a point adds: what happened since the stream's previous point.</summary>
public sealed record HistogramDelta(long Count, double Sum, long[] BucketCounts, double[] Bounds)
{
    // Bound names per bounds array: points share their metric's bounds array, so each is formatted once, not per point.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<double[], string[]> BoundNames = new();

    /// <summary>Bucket counts keyed by upper bound ("+Inf" for the last), the form minute rows keep.</summary>
    public IEnumerable<KeyValuePair<string, long>> Buckets()
    {
        var names = BoundNames.GetValue(Bounds, bounds => [.. bounds.Select(b => b.ToString("R", CultureInfo.InvariantCulture)), "+Inf"]);
        for (var i = 0; i < BucketCounts.Length; i++)
        {
            yield return KeyValuePair.Create(i < Bounds.Length ? names[i] : "+Inf", BucketCounts[i]);
        }
    }
}

/// <summary>
/// Cumulative-to-delta per stream, as the Collector's cumulativetodelta processor does it: a changed start time or
/// a count that went down is a reset (the new value is the increase since the reset); a first point whose start
/// equals its time has an unknown start and adds nothing; a point not newer than the last one adds nothing (a
/// re-sent export). A stream's first point counts only when the stream began recently (within
/// <c>firstPointMaxAge</c>): a process that has run for days before it pointed its exporter here sends its whole
/// history in that point, which would land in one minute; that point becomes the baseline instead.
/// Delta points are their own increase.
/// </summary>
public static class StreamDeltas
{
    /// <summary>The point's increase (null: nothing to add) and whether the stream's state moves to this point.</summary>
    public static (HistogramDelta? Delta, bool Advance) Next(MetricStream? previous, MetricSample point, TimeSpan firstPointMaxAge)
    {
        if (!point.Cumulative)
        {
            return (point.Count == 0 ? null : Own(point), false);
        }
        if (previous is null)
        {
            var recent = point.TimeUnixNano - point.StartUnixNano <= firstPointMaxAge.Ticks * 100;
            return (point.StartUnixNano == 0 || point.StartUnixNano >= point.TimeUnixNano || point.Count == 0 || !recent ? null : Own(point), true);
        }
        if (point.TimeUnixNano <= previous.TimeUnixNano && point.StartUnixNano == previous.StartUnixNano)
        {
            return (null, false);
        }
        var reset = point.StartUnixNano != previous.StartUnixNano
            || point.Count < (long)previous.Value
            || !point.Bounds.AsSpan().SequenceEqual(previous.Bounds)
            || point.BucketCounts.Length != previous.BucketCounts.Length
            || AnyBelow(point.BucketCounts, previous.BucketCounts);
        if (reset)
        {
            return (point.Count == 0 || point.StartUnixNano >= point.TimeUnixNano ? null : Own(point), true);
        }
        var count = point.Count - (long)previous.Value;
        if (count == 0)
        {
            return (null, true);
        }
        var buckets = new long[point.BucketCounts.Length];
        for (var i = 0; i < buckets.Length; i++)
        {
            buckets[i] = point.BucketCounts[i] - previous.BucketCounts[i];
        }
        return (new HistogramDelta(count, point.Sum - previous.Sum, buckets, point.Bounds), true);
    }

    private static HistogramDelta Own(MetricSample point) => new(point.Count, point.Sum, point.BucketCounts, point.Bounds);

    /// <summary>Whether a bucket count went down (both arrays have the same length).</summary>
    private static bool AnyBelow(long[] counts, long[] previous)
    {
        for (var i = 0; i < counts.Length; i++)
        {
            if (counts[i] < previous[i])
            {
                return true;
            }
        }
        return false;
    }
}
