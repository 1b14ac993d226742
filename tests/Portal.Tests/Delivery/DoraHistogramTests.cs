using Portal.Web.Features.Delivery;

namespace Portal.Tests.Delivery;

public sealed class DoraHistogramTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(59.9, 0)]
    [InlineData(60, 1)]
    [InlineData(120, 9)]              // one doubling: eight buckets on
    [InlineData(3600, 48)]            // an hour: log2(60) · 8 = 47.26 → 1 + 47
    [InlineData(1e12, DoraHistogram.LastBucket)]
    public void Seconds_fall_in_log_spaced_buckets(double seconds, int bucket)
    {
        Assert.Equal(bucket, DoraHistogram.Bucket(seconds));
        Assert.InRange(seconds, DoraHistogram.LowerSeconds(bucket), DoraHistogram.UpperSeconds(bucket));
    }

    [Fact]
    public void The_buckets_tile_the_line_without_gaps()
    {
        for (var b = 0; b < DoraHistogram.LastBucket; b++)
        {
            Assert.Equal(DoraHistogram.UpperSeconds(b), DoraHistogram.LowerSeconds(b + 1), 6);
        }
        Assert.Equal(double.PositiveInfinity, DoraHistogram.UpperSeconds(DoraHistogram.LastBucket));
    }

    [Fact]
    public void Without_values_there_is_no_median() => Assert.Null(DoraHistogram.MedianSeconds([]));

    [Fact]
    public void The_median_of_summed_histograms_is_within_the_stated_precision_of_the_exact_median()
    {
        // Lead times from a minute to a few weeks, as many shapes as the seed gives: odd and even counts, skewed, clustered.
        var random = new Random(22);
        for (var trial = 0; trial < 500; trial++)
        {
            var count = 1 + random.Next(400);
            var scale = Math.Pow(10, 2 + random.NextDouble() * 4);
            var values = Enumerable.Range(0, count).Select(_ => 60 + scale * Math.Pow(random.NextDouble(), 1 + random.Next(4))).ToList();
            // Summed the way the rollup sums days: per-bucket counts of several parts added together.
            var histogram = values.Chunk(7).SelectMany(part => part.GroupBy(DoraHistogram.Bucket).Select(g => (g.Key, (long)g.Count())))
                .GroupBy(h => h.Key).Select(g => (g.Key, g.Sum(h => h.Item2))).ToList();

            var exact = Median(values);
            var read = DoraHistogram.MedianSeconds(histogram)!.Value;

            Assert.InRange(read, exact / (1 + DoraHistogram.RelativePrecision) - 1e-9, exact * (1 + DoraHistogram.RelativePrecision) + 1e-9);
        }
        Assert.InRange(DoraHistogram.RelativePrecision, 0.0442, 0.0444);
    }

    [Fact]
    public void Under_a_minute_the_median_is_within_thirty_seconds()
    {
        Assert.Equal(30, DoraHistogram.MedianSeconds([(0, 3)]));
        Assert.Equal((30 + DoraHistogram.RepresentativeSeconds(1)) / 2, DoraHistogram.MedianSeconds([(0, 1), (1, 1)])!.Value, 9);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
