using Portal.Web.Features.Slo;
using Portal.Web.Features.Slo.Ingestion;

namespace Portal.Tests.Slo;

public sealed class StreamStatePackingTests
{
    [Fact]
    public void Packed_states_unpack_to_the_same_values_with_one_bounds_array_per_metric()
    {
        double[] bounds = [0.005, 0.1, 2.5];
        var states = new List<MetricStream>
        {
            new() { Key = new string('a', 64), ComponentRef = "component:default/cart-service", Metric = "http.server.request.duration", StartUnixNano = 1,
                TimeUnixNano = long.MaxValue, Value = 17, Sum = 0.25, BucketCounts = [10, 0, 7, long.MaxValue], Bounds = bounds },
            new() { Key = new string('b', 64), ComponentRef = "component:default/cart-service", Metric = "http.server.request.duration", StartUnixNano = 2,
                TimeUnixNano = 3, Value = 0, Sum = double.NegativeZero, BucketCounts = [0, 0, 0, 0], Bounds = bounds },
            new() { Key = "ключ", ComponentRef = "component:other/pay", Metric = "payments.processed", Value = 1e15, BucketCounts = [], Bounds = [] },
        };
        var seen = new DateTimeOffset(2026, 11, 27, 8, 0, 0, TimeSpan.Zero);

        var unpacked = StreamStatePacking.Unpack(StreamStatePacking.Pack(states), seen);

        Assert.Equal(states.Select(Values), unpacked.Select(Values));
        Assert.All(unpacked, s => Assert.Equal(seen, s.LastSeenAt));
        Assert.Same(unpacked[0].Bounds, unpacked[1].Bounds);
    }

    [Fact]
    public void A_journal_row_in_an_unknown_format_is_refused_rather_than_misread()
    {
        var packed = StreamStatePacking.Pack([]);
        packed[0] = 99;
        Assert.Throws<InvalidDataException>(() => StreamStatePacking.Unpack(packed, DateTimeOffset.UnixEpoch));
    }

    private static string Values(MetricStream s) =>
        $"{s.Key}|{s.ComponentRef}|{s.Metric}|{s.StartUnixNano}|{s.TimeUnixNano}|{s.Value:R}|{s.Sum:R}|{string.Join(',', s.BucketCounts)}|{string.Join(',', s.Bounds)}";
}
