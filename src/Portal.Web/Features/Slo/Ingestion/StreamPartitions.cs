using System.Text;

namespace Portal.Web.Features.Slo.Ingestion;

/// <summary>
/// Stream state is owned in partitions: every stream of a service belongs to the partition of its <c>service.name</c>,
/// and each partition has its own journal (the <c>slo_stream_journal</c> rows of that partition) and its own advisory
/// lock. Exports of services in different partitions run in parallel, in one process or on several replicas; exports
/// of one service take turns, so each stream's increases are counted once (docs/adr/0009-partitioned-slo-ingestion.md).
/// </summary>
public static class StreamPartitions
{
    /// <summary>Fixed: every process must agree. Changing it needs every replica stopped first (see the decision record).</summary>
    public const int Count = 32;

    /// <summary>The partition of rows journalled by a version without partitions; folded into the table at start-up.</summary>
    public const int Legacy = -1;

    /// <summary>Every partition, in lock order.</summary>
    public static readonly int[] All = [.. Enumerable.Range(0, Count)];

    /// <summary>
    /// The partition of a service: FNV-1a (32 bit) of its UTF-8 name, modulo <see cref="Count"/>. Not
    /// <c>string.GetHashCode</c>, which differs between processes: replicas must agree.
    /// </summary>
    public static int Of(string serviceName)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(serviceName))
        {
            hash = unchecked((hash ^ b) * 16777619u);
        }
        return (int)(hash % Count);
    }

    /// <summary>
    /// The advisory lock key of a partition's stream state: above the single lock key earlier versions used (kept free,
    /// so an old replica never shares a key with a new one by accident).
    /// </summary>
    public static long LockKey(int partition) => StreamJournal.LockKey + 1 + partition;
}
