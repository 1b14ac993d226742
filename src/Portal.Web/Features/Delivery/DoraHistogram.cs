namespace Portal.Web.Features.Delivery;

/// <summary>
/// The fixed log-spaced buckets the per-day rollup (<see cref="DeliveryDaily"/>) counts lead and restore times in, so a
/// period's median is read from summed histograms instead of sorting every commit (pure). Bucket 0 holds [0, 60 s);
/// bucket k ≥ 1 holds [60 s · 2^((k−1)/8), 60 s · 2^(k/8)), eight to a doubling, and the last one everything from about
/// 1.8 years. A median read from them is within <see cref="RelativePrecision"/> (4.4 %) of the exact one, or within
/// 30 seconds below a minute; <c>DeliveryRollup</c>'s SQL assigns the buckets with the same formula.
/// </summary>
public static class DoraHistogram
{
    public const int PerDoubling = 8;
    public const double FirstBoundSeconds = 60;
    public const int LastBucket = 160;

    /// <summary>A bucket's representative (its geometric middle) is at most this far, relatively, from any value in it.</summary>
    public static readonly double RelativePrecision = Math.Pow(2, 1.0 / (2 * PerDoubling)) - 1;

    public static int Bucket(double seconds) => seconds < FirstBoundSeconds ? 0
        : Math.Min(LastBucket, 1 + (int)Math.Floor(PerDoubling * Math.Log2(seconds / FirstBoundSeconds)));

    public static double LowerSeconds(int bucket) => bucket == 0 ? 0 : FirstBoundSeconds * Math.Pow(2, (bucket - 1) / (double)PerDoubling);

    public static double UpperSeconds(int bucket) => bucket == 0 ? FirstBoundSeconds
        : bucket >= LastBucket ? double.PositiveInfinity : FirstBoundSeconds * Math.Pow(2, bucket / (double)PerDoubling);

    /// <summary>The value a bucket stands for: its geometric middle (the overflow bucket: its lower bound; bucket 0: 30 s).</summary>
    public static double RepresentativeSeconds(int bucket) => bucket == 0 ? FirstBoundSeconds / 2
        : bucket >= LastBucket ? LowerSeconds(bucket) : Math.Sqrt(LowerSeconds(bucket) * UpperSeconds(bucket));

    /// <summary>
    /// The median of the counted values like <c>percentile_cont(0.5)</c>: the middle value, or the mean of the two middle
    /// ones, each taken as its bucket's representative. Null without values.
    /// </summary>
    public static double? MedianSeconds(IEnumerable<(int Bucket, long Count)> histogram)
    {
        var sorted = histogram.Where(h => h.Count > 0).OrderBy(h => h.Bucket).ToList();
        var total = sorted.Sum(h => h.Count);
        if (total == 0)
        {
            return null;
        }
        double At(long rank)
        {
            foreach (var (bucket, count) in sorted)
            {
                if (rank < count)
                {
                    return RepresentativeSeconds(bucket);
                }
                rank -= count;
            }
            throw new InvalidOperationException("Rank past the histogram.");
        }
        return total % 2 == 1 ? At(total / 2) : (At(total / 2 - 1) + At(total / 2)) / 2;
    }
}
