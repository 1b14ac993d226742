using Npgsql;

namespace Portal.Web.Features.Slo.Ingestion;

/// <summary>
/// The stream-state journal's I/O, on the caller's connection and transaction. The journal is partitioned
/// (<see cref="StreamPartitions"/>): every change of a partition's stream state (an export's append, a fold, a deletion)
/// happens under that partition's transaction-level advisory lock, so a partition's journal ids are in commit order and
/// a process that holds its lock sees every earlier change of it. Locks are always taken in ascending partition order.
/// </summary>
public static class StreamJournal
{
    /// <summary>The single lock key of versions before partitions; partition keys start above it (<see cref="StreamPartitions.LockKey"/>).</summary>
    public const long LockKey = 0x5_10_57_8E_A3;

    /// <summary>Locks the partitions (ascending, as given) until the transaction ends.</summary>
    public static NpgsqlBatchCommand LockCommand(int[] partitions)
    {
        var command = new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock($1 + p) FROM unnest($2) AS p");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = StreamPartitions.LockKey(0) });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = partitions });
        return command;
    }

    /// <summary>
    /// Each partition's newest journal id (0 when empty). A statement after <see cref="LockCommand"/>: it then reads
    /// after the locks are granted, so it sees the previous holders' commits.
    /// </summary>
    public static NpgsqlBatchCommand NewestCommand(int[] partitions)
    {
        var command = new NpgsqlBatchCommand(
            "SELECT p, coalesce((SELECT max(j.id) FROM slo_stream_journal j WHERE j.partition = p), 0) FROM unnest($1) AS p");
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = partitions });
        return command;
    }

    /// <summary>Reads the rows of <see cref="NewestCommand"/> (the reader is at its result).</summary>
    public static async Task<Dictionary<int, long>> ReadNewestAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var newest = new Dictionary<int, long>();
        while (await reader.ReadAsync(cancellationToken))
        {
            newest[reader.GetInt32(0)] = reader.GetInt64(1);
        }
        return newest;
    }

    /// <summary>Takes the partitions' locks and returns their newest journal ids, in one round trip.</summary>
    public static async Task<Dictionary<int, long>> LockAsync(NpgsqlConnection connection, int[] partitions, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(LockCommand(partitions));
        batch.BatchCommands.Add(NewestCommand(partitions));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        return await ReadNewestAsync(reader, cancellationToken);
    }

    /// <summary>A partition's journal rows after <paramref name="afterId"/>, in order.</summary>
    public static async Task<List<StreamJournalEntry>> ReadAfterAsync(NpgsqlConnection connection, int partition, long afterId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT partition, id, written_at, states, folded_through FROM slo_stream_journal WHERE partition = @p AND id > @after ORDER BY id", connection);
        command.Parameters.Add(new NpgsqlParameter<int>("p", partition));
        command.Parameters.Add(new NpgsqlParameter<long>("after", afterId));
        return await ReadEntriesAsync(command, cancellationToken);
    }

    private static async Task<List<StreamJournalEntry>> ReadEntriesAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var entries = new List<StreamJournalEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new StreamJournalEntry
            {
                Partition = reader.GetInt32(0),
                Id = reader.GetInt64(1),
                WrittenAt = reader.GetFieldValue<DateTimeOffset>(2),
                States = reader.IsDBNull(3) ? null : reader.GetFieldValue<byte[]>(3),
                FoldedThrough = reader.IsDBNull(4) ? null : reader.GetInt64(4),
            });
        }
        return entries;
    }

    /// <summary>
    /// The statement that appends row <paramref name="id"/> of <paramref name="partition"/> (its newest id read under its
    /// lock, plus one): an export's packed states, a fold marker or a forget marker. A batch command, so an export sends
    /// it with its other writes.
    /// </summary>
    public static NpgsqlBatchCommand AppendCommand(int partition, long id, DateTimeOffset now, ReadOnlyMemory<byte>? states, long? foldedThrough)
    {
        var command = new NpgsqlBatchCommand("INSERT INTO slo_stream_journal (partition, id, written_at, states, folded_through) VALUES ($1, $2, $3, $4, $5)");
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = partition });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        command.Parameters.Add(states is { } packed ? new NpgsqlParameter<ReadOnlyMemory<byte>> { TypedValue = packed }
            : new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bytea, Value = DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint, Value = (object?)foldedThrough ?? DBNull.Value });
        return command;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, IEnumerable<NpgsqlBatchCommand> commands, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection);
        foreach (var command in commands)
        {
            batch.BatchCommands.Add(command);
        }
        if (batch.BatchCommands.Count > 0)
        {
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Writes <paramref name="states"/> (the newest state of each stream of <paramref name="partition"/> journalled up
    /// to <paramref name="throughId"/>, its newest row) into <c>slo_metric_streams</c>, deletes those journal rows and
    /// appends the fold marker. Returns the marker's id. The caller holds the partition's lock.
    /// </summary>
    public static async Task<long> FoldAsync(NpgsqlConnection connection, int partition, IReadOnlyCollection<MetricStream> states, long throughId,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        await UpsertAsync(connection, states, cancellationToken);
        await using (var delete = new NpgsqlCommand("DELETE FROM slo_stream_journal WHERE partition = @p AND id <= @through", connection))
        {
            delete.Parameters.Add(new NpgsqlParameter<int>("p", partition));
            delete.Parameters.Add(new NpgsqlParameter<long>("through", throughId));
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }
        await ExecuteAsync(connection, [AppendCommand(partition, throughId + 1, now, null, throughId)], cancellationToken);
        return throughId + 1;
    }

    private static async Task UpsertAsync(NpgsqlConnection connection, IReadOnlyCollection<MetricStream> states, CancellationToken cancellationToken)
    {
        if (states.Count == 0)
        {
            return;
        }
        var sorted = states.OrderBy(s => s.Key, StringComparer.Ordinal).ToList();
        // Streams of one metric share their bounds array: packed once.
        var packedBounds = new Dictionary<double[], byte[]>(ReferenceEqualityComparer.Instance);
        await using var upsert = new NpgsqlCommand("""
            INSERT INTO slo_metric_streams (key, component_ref, metric, start_unix_nano, time_unix_nano, value, sum, bucket_counts, bounds, last_seen_at)
            SELECT * FROM unnest(@k, @c, @m, @st, @t, @v, @s, @bc, @b, @seen)
            ON CONFLICT (key) DO UPDATE SET start_unix_nano = excluded.start_unix_nano, time_unix_nano = excluded.time_unix_nano,
                value = excluded.value, sum = excluded.sum, bucket_counts = excluded.bucket_counts, bounds = excluded.bounds,
                last_seen_at = excluded.last_seen_at
            """, connection);
        upsert.Parameters.Add(new NpgsqlParameter<string[]>("k", [.. sorted.Select(s => s.Key)]));
        upsert.Parameters.Add(new NpgsqlParameter<string[]>("c", [.. sorted.Select(s => s.ComponentRef)]));
        upsert.Parameters.Add(new NpgsqlParameter<string[]>("m", [.. sorted.Select(s => s.Metric)]));
        upsert.Parameters.Add(new NpgsqlParameter<long[]>("st", [.. sorted.Select(s => s.StartUnixNano)]));
        upsert.Parameters.Add(new NpgsqlParameter<long[]>("t", [.. sorted.Select(s => s.TimeUnixNano)]));
        upsert.Parameters.Add(new NpgsqlParameter<double[]>("v", [.. sorted.Select(s => s.Value)]));
        upsert.Parameters.Add(new NpgsqlParameter<double[]>("s", [.. sorted.Select(s => s.Sum)]));
        upsert.Parameters.Add(new NpgsqlParameter<byte[][]>("bc", [.. sorted.Select(s => PackedArrays.Pack(s.BucketCounts))]));
        upsert.Parameters.Add(new NpgsqlParameter<byte[][]>("b",
            [.. sorted.Select(s => packedBounds.TryGetValue(s.Bounds, out var b) ? b : packedBounds[s.Bounds] = PackedArrays.Pack(s.Bounds))]));
        upsert.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]>("seen", [.. sorted.Select(s => s.LastSeenAt)]));
        await upsert.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Before stream state is deleted from <c>slo_metric_streams</c> (expiry, a ratio SLO's metrics changing): takes
    /// every partition's lock, folds the whole journal into the table (so nothing deleted comes back from it; rows of
    /// the <see cref="StreamPartitions.Legacy"/> partition first, as they are older) and appends a forget marker to
    /// every partition that has a journal, so every process re-reads its streams from the table. The caller deletes in
    /// the same transaction.
    /// </summary>
    public static async Task PrepareDeleteAsync(NpgsqlConnection connection, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var newest = await LockAsync(connection, StreamPartitions.All, cancellationToken);
        var states = new Dictionary<string, MetricStream>(StringComparer.Ordinal);
        await using (var read = new NpgsqlCommand(
            "SELECT partition, id, written_at, states, folded_through FROM slo_stream_journal WHERE states IS NOT NULL ORDER BY partition, id", connection))
        {
            foreach (var entry in await ReadEntriesAsync(read, cancellationToken))
            {
                foreach (var state in StreamStatePacking.Unpack(entry.States!, entry.WrittenAt))
                {
                    states[state.Key] = state;
                }
            }
        }
        await UpsertAsync(connection, states.Values, cancellationToken);
        await using (var delete = new NpgsqlCommand("DELETE FROM slo_stream_journal", connection))
        {
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }
        await ExecuteAsync(connection, newest.Where(n => n.Value > 0).OrderBy(n => n.Key).Select(n => AppendCommand(n.Key, n.Value + 1, now, null, null)),
            cancellationToken);
    }

    /// <summary>
    /// At start-up (under the start-up lock, before this process ingests): rows an earlier version journalled without
    /// partitions are folded into the table, so no stream's newest state is in a journal no partition reads.
    /// </summary>
    public static async Task FoldLegacyAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using (var any = new NpgsqlCommand($"SELECT EXISTS (SELECT 1 FROM slo_stream_journal WHERE partition = {StreamPartitions.Legacy})", connection))
        {
            if (await any.ExecuteScalarAsync(cancellationToken) is not true)
            {
                return;
            }
        }
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await PrepareDeleteAsync(connection, DateTimeOffset.UtcNow, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
