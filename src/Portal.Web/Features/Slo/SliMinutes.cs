using System.Globalization;
using Portal.Web.Features.Slo.Ingestion;

namespace Portal.Web.Features.Slo;

/// <summary>How an SLO's indicator counts events: from one exported point's increase, and from the component's RED rows.</summary>
public static class SliMinutes
{
    /// <summary>
    /// The good and total events an increase of one point adds to the SLO; null when the point is not the SLO's.
    /// Interpolated: a latency threshold inside one of the point's buckets, whose share is rounded per point here; the
    /// caller counts such minutes from the whole minute instead (rounded per minute, as the rebuilt counts are).
    /// </summary>
    public static (long Good, long Total, bool Interpolated)? Count(SloDefinition slo, MetricSample sample, HistogramDelta delta)
    {
        switch (slo.Indicator)
        {
            case SliKinds.Availability when sample.Metric == OtlpReader.HttpServerDuration:
                return (sample.IsServerError ? 0 : delta.Count, delta.Count, false);
            case SliKinds.Latency when sample.Metric == OtlpReader.HttpServerDuration:
                // Only a share that is not a whole number is rounded here: an overflow bucket, or a split giving whole requests, loses nothing.
                var share = Unrounded(Buckets(delta.Bounds, delta.BucketCounts), (double)slo.ThresholdSeconds!.Value).Count;
                return ((long)Math.Floor(share), delta.Count, share != Math.Floor(share));
            case SliKinds.Ratio when slo.Ratio is { } ratio:
                var events = ratio.Events.Matches(sample) ? delta.Count : 0;
                var total = ratio.Total.Matches(sample) ? delta.Count : 0;
                if (events == 0 && total == 0)
                {
                    return null;
                }
                return (ratio.Counts == "good" ? events : total - events, total, false);
            default:
                return null;
        }
    }

    /// <summary>The SLO's events per minute from RED rows (availability and latency only): raw counts, and whether a latency threshold was interpolated.</summary>
    public static (List<MinuteCounts> Minutes, bool Estimated) Events(SloDefinition slo, IEnumerable<ServiceMinute> rows)
    {
        var estimated = false;
        var minutes = new List<MinuteCounts>();
        foreach (var row in rows)
        {
            long good;
            if (slo.Indicator == SliKinds.Latency)
            {
                var (count, interpolated) = AtOrBelow(row.LatencyBuckets, (double)slo.ThresholdSeconds!.Value);
                good = count;
                estimated |= interpolated;
            }
            else
            {
                good = row.Requests - row.Errors;
            }
            minutes.Add(new MinuteCounts(row.Minute, good, row.Requests));
        }
        return (minutes, estimated);
    }

    /// <summary>Good and total per minute as the SLO is judged: events, or one-minute timeslices (1 of 1 when the minute met the slice target).</summary>
    public static (List<MinuteCounts> Minutes, bool Estimated) From(SloDefinition slo, IEnumerable<ServiceMinute> rows)
    {
        var (minutes, estimated) = Events(slo, rows);
        if (slo.BudgetingMethod == "Timeslices")
        {
            var sliceTarget = slo.TimesliceTarget ?? slo.Target;
            minutes = minutes.Where(m => m.Total > 0)
                .Select(m => new MinuteCounts(m.Minute, SloCountStore.GoodSlice(m.Good, m.Total, sliceTarget) ? 1 : 0, 1)).ToList();
        }
        return (minutes, estimated);
    }

    /// <summary>Requests at or under the threshold; inside a bucket the count is interpolated linearly (an estimate).</summary>
    public static (long Count, bool Interpolated) AtOrBelow(IReadOnlyDictionary<string, long> buckets, double threshold) =>
        AtOrBelow(buckets.Select(b => (b.Key == "+Inf" ? double.PositiveInfinity : double.Parse(b.Key, CultureInfo.InvariantCulture), b.Value)), threshold);

    /// <summary>
    /// Requests at or under the threshold from (upper bound, count) buckets; inside a bucket the count is interpolated
    /// linearly, and a threshold above the last finite bound cannot split the overflow bucket: both are estimates.
    /// </summary>
    public static (long Count, bool Interpolated) AtOrBelow(IEnumerable<(double Upper, long Count)> buckets, double threshold) =>
        AtOrBelow(buckets.OrderBy(b => b.Upper).ToArray(), threshold);

    /// <summary>
    /// <see cref="AtOrBelow(IEnumerable{ValueTuple{double, long}}, double)"/> for one point's buckets: its bounds strictly
    /// increase (the reader checks), so they need no sorting; the counts past the bounds are the overflow bucket.
    /// </summary>
    public static (long Count, bool Interpolated) AtOrBelow(double[] bounds, long[] counts, double threshold) => AtOrBelow(Buckets(bounds, counts), threshold);

    private static (double Upper, long Count)[] Buckets(double[] bounds, long[] counts)
    {
        var buckets = new (double Upper, long Count)[counts.Length];
        for (var i = 0; i < counts.Length; i++)
        {
            buckets[i] = (i < bounds.Length ? bounds[i] : double.PositiveInfinity, counts[i]);
        }
        return buckets;
    }

    private static (long Count, bool Interpolated) AtOrBelow(ReadOnlySpan<(double Upper, long Count)> sorted, double threshold)
    {
        var (count, interpolated) = Unrounded(sorted, threshold);
        return ((long)Math.Floor(count), interpolated);
    }

    private static (double Count, bool Interpolated) Unrounded(ReadOnlySpan<(double Upper, long Count)> sorted, double threshold)
    {
        double count = 0;
        var lower = 0.0;
        var interpolated = false;
        foreach (var (upper, value) in sorted)
        {
            if (upper <= threshold)
            {
                count += value;
            }
            else
            {
                if (threshold > lower && !double.IsInfinity(upper))
                {
                    count += value * (threshold - lower) / (upper - lower);
                    interpolated = true;
                }
                else if (double.IsInfinity(upper) && threshold > lower && value > 0)
                {
                    interpolated = true;
                }
                break;
            }
            lower = upper;
        }
        return (count, interpolated);
    }

    /// <summary>The SLO's sliceTarget: its timeslice target, or its objective.</summary>
    public static decimal SliceTarget(SloDefinition slo) => slo.TimesliceTarget ?? slo.Target;
}
