using Npgsql;

namespace Portal.Web.Features.Slo.Ingestion;

/// <summary>
/// The stream-state journal's I/O, on the caller's connection and transaction. Every change of stream state (an
/// export's append, a fold, a deletion) happens under one transaction-level advisory lock, so journal ids are in commit
/// order and a process that holds the lock sees every earlier change.
/// </summary>
public static class StreamJournal
{
    /// <summary>The advisory lock key of stream state (arbitrary, fixed: every process must use the same).</summary>
    public const long LockKey = 0x5_10_57_8E_A3;

    /// <summary>Takes the stream-state lock until the transaction ends.</summary>
    public static readonly string LockSql = $"SELECT pg_advisory_xact_lock({LockKey})";

    /// <summary>
    /// The newest journal id (0 when empty). Run as a statement after <see cref="LockSql"/>: it then reads after the
    /// lock is granted, so it sees the previous holder's commit.
    /// </summary>
    public const string NewestSql = "SELECT coalesce(max(id), 0) FROM slo_stream_journal";

    /// <summary>Takes the stream-state lock and returns the newest journal id (0 when empty), in one round trip.</summary>
    public static async Task<long> LockAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(new NpgsqlBatchCommand(LockSql));
        batch.BatchCommands.Add(new NpgsqlBatchCommand(NewestSql));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return reader.GetInt64(0);
    }

    /// <summary>Journal rows after <paramref name="afterId"/>, in order.</summary>
    public static async Task<List<StreamJournalEntry>> ReadAfterAsync(NpgsqlConnection connection, long afterId, CancellationToken cancellationToken)
    {
        var entries = new List<StreamJournalEntry>();
        await using var command = new NpgsqlCommand("SELECT id, written_at, states, folded_through FROM slo_stream_journal WHERE id > @after ORDER BY id", connection);
        command.Parameters.Add(new NpgsqlParameter<long>("after", afterId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new StreamJournalEntry
            {
                Id = reader.GetInt64(0),
                WrittenAt = reader.GetFieldValue<DateTimeOffset>(1),
                States = reader.IsDBNull(2) ? null : reader.GetFieldValue<byte[]>(2),
                FoldedThrough = reader.IsDBNull(3) ? null : reader.GetInt64(3),
            });
        }
        return entries;
    }

    /// <summary>
    /// The statement that appends row <paramref name="id"/> (the newest id read under the lock, plus one): an export's
    /// packed states, a fold marker or a forget marker. A batch command, so an export sends it with its other writes.
    /// </summary>
    public static NpgsqlBatchCommand AppendCommand(long id, DateTimeOffset now, ReadOnlyMemory<byte>? states, long? foldedThrough)
    {
        var command = new NpgsqlBatchCommand("INSERT INTO slo_stream_journal (id, written_at, states, folded_through) VALUES ($1, $2, $3, $4)");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        command.Parameters.Add(states is { } packed ? new NpgsqlParameter<ReadOnlyMemory<byte>> { TypedValue = packed }
            : new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bytea, Value = DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint, Value = (object?)foldedThrough ?? DBNull.Value });
        return command;
    }

    private static async Task AppendAsync(NpgsqlConnection connection, NpgsqlBatchCommand append, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(append);
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Writes <paramref name="states"/> (the newest state of each stream journalled up to <paramref name="throughId"/>,
    /// the newest row) into <c>slo_metric_streams</c>, deletes those journal rows and appends the fold marker. Returns
    /// the marker's id. The caller holds the lock.
    /// </summary>
    public static async Task<long> FoldAsync(NpgsqlConnection connection, IReadOnlyCollection<MetricStream> states, long throughId, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        if (states.Count > 0)
        {
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
        await using (var delete = new NpgsqlCommand("DELETE FROM slo_stream_journal WHERE id <= @through", connection))
        {
            delete.Parameters.Add(new NpgsqlParameter<long>("through", throughId));
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }
        await AppendAsync(connection, AppendCommand(throughId + 1, now, null, throughId), cancellationToken);
        return throughId + 1;
    }

    /// <summary>
    /// Before stream state is deleted from <c>slo_metric_streams</c> (expiry, a ratio SLO's metrics changing): takes
    /// the lock, folds the whole journal into the table (so nothing deleted comes back from it) and appends a forget
    /// marker, so every process re-reads its streams from the table. The caller deletes in the same transaction.
    /// </summary>
    public static async Task PrepareDeleteAsync(NpgsqlConnection connection, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var newest = await LockAsync(connection, cancellationToken);
        var states = new Dictionary<string, MetricStream>(StringComparer.Ordinal);
        foreach (var entry in await ReadAfterAsync(connection, 0, cancellationToken))
        {
            foreach (var state in entry.States is null ? [] : StreamStatePacking.Unpack(entry.States, entry.WrittenAt))
            {
                states[state.Key] = state;
            }
        }
        var marker = await FoldAsync(connection, states.Values, newest, now, cancellationToken);
        await AppendAsync(connection, AppendCommand(marker + 1, now, null, null), cancellationToken);
    }
}
