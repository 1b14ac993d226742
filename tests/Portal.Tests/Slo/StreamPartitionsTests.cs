using Portal.Web.Features.Slo.Ingestion;

namespace Portal.Tests.Slo;

public sealed class StreamPartitionsTests
{
    [Theory]
    // FNV-1a (32 bit) reference values: "a" is 0xe40c292c, "foobar" 0xbf9cf968 (the algorithm's published test vectors).
    [InlineData("a", (int)(0xe40c292cu % StreamPartitions.Count))]
    [InlineData("foobar", (int)(0xbf9cf968u % StreamPartitions.Count))]
    [InlineData("cart-service", 29)]
    [InlineData("order-service", 5)]
    public void A_service_lands_in_the_same_partition_in_every_process_and_version(string service, int partition) =>
        // Replicas must agree, and a journal written before an upgrade must be read by the same partition after it.
        Assert.Equal(partition, StreamPartitions.Of(service));

    [Fact]
    public void Many_services_spread_over_all_partitions()
    {
        var counts = Enumerable.Range(0, 3_200).Select(i => StreamPartitions.Of($"service-{i}")).CountBy(p => p).ToDictionary();

        Assert.Equal(StreamPartitions.Count, counts.Count);
        Assert.All(counts.Values, c => Assert.InRange(c, 50, 150)); // 100 each when even
    }

    [Fact]
    public void Non_ascii_names_and_the_empty_name_have_a_partition_in_range()
    {
        foreach (var name in new[] { "", "zahlungsdienst-äöü", "支付服务", new string('x', 10_000) })
        {
            Assert.InRange(StreamPartitions.Of(name), 0, StreamPartitions.Count - 1);
        }
    }

    [Fact]
    public void Partition_lock_keys_are_distinct_and_never_the_single_key_of_earlier_versions()
    {
        var keys = StreamPartitions.All.Select(StreamPartitions.LockKey).ToList();

        Assert.Equal(keys.Count, keys.Distinct().Count());
        Assert.DoesNotContain(StreamJournal.LockKey, keys);
    }
}
