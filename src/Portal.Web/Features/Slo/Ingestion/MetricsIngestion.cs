using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;

namespace Portal.Web.Features.Slo.Ingestion;

/// <summary>The outcome of one export: points rejected (partial success) and why.</summary>
public sealed record IngestOutcome(long Rejected, IReadOnlyList<string> Problems)
{
    /// <summary>The OTLP answer: partial success naming the rejected points when there are any.</summary>
    public Otlp.Collector.ExportMetricsServiceResponse ToResponse() => Rejected == 0 ? new()
        : new() { PartialSuccess = new Otlp.Collector.ExportMetricsPartialSuccess { RejectedDataPoints = Rejected, ErrorMessage = string.Join(" ", Problems) } };
}

/// <summary>
/// Turns a checked export into per-minute aggregates, set-based (a few statements per export, not one per point):
/// services matched to catalog components, cumulative streams turned into increases, increases added to the
/// components' RED minutes and to every SLO's minute, hour and day counts, and the streams' new states appended to the
/// stream journal as one row per partition, all in one transaction. Stream state is owned per partition of the services
/// (<see cref="StreamPartitions"/>): exports touching the same partitions take turns (in this process its gate, across
/// processes its advisory lock), exports of other partitions run beside them. This process keeps every stream's newest
/// state in memory, so an export reads nothing back, and catches up from a partition's journal when another process
/// wrote to it. Every <see cref="SloOptions.StreamFoldExports"/> exports a partition's journal is folded into
/// <c>slo_metric_streams</c> (one row per stream), where streams not in memory are read from. Unknown services and services a token may not send for are counted and reported as rejected points,
/// never dropped silently.
/// </summary>
public sealed class MetricsIngestion(IDbContextFactory<PortalDbContext> dbFactory, IOptions<SloOptions> options, TimeProvider time, ILogger<MetricsIngestion> logger) : IDisposable
{
    private const int Attempts = 5;
    private const int MaxCachedStreams = 500_000;

    // A partition's share of the streams kept in memory, with room for one busy partition.
    private const int MaxCachedStreamsPerPartition = MaxCachedStreams / 8;

    /// <summary>
    /// What this process holds of one partition's stream state. An export owns it while it holds <see cref="Gate"/>
    /// (partitions are entered in ascending order). <see cref="Streams"/>: the newest state of the partition's streams
    /// this process has seen, as committed up to journal row <see cref="Position"/>; a stream not here has its state in
    /// slo_metric_streams (or none). Streams journalled since the last fold are always here (<see cref="Unfolded"/>).
    /// </summary>
    private sealed class Partition(DateTimeOffset now) : IDisposable
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);
        public Dictionary<string, MetricStream> Streams { get; } = new(StringComparer.Ordinal);
        public HashSet<string> Unfolded { get; } = new(StringComparer.Ordinal);
        public MemoryStream Packed { get; } = new();
        public long Position { get; set; }
        public int ExportsSinceFold { get; set; }
        public DateTimeOffset FoldedAt { get; set; } = now;

        public void Dispose()
        {
            Gate.Dispose();
            Packed.Dispose();
        }
    }

    private readonly Partition[] _partitions = [.. StreamPartitions.All.Select(_ => new Partition(time.GetUtcNow()))];

    // The metric names ratio SLOs use, re-read when an SLO is saved here or after a few seconds (another replica's save).
    // One reference, replaced whole: exports of different partitions read it at the same time.
    private static long ratioVersion;
    private sealed record RatioMetrics(long Version, DateTimeOffset At, IReadOnlySet<string> Names);
    private RatioMetrics? _ratioMetrics;

    /// <summary>Called when an SLO is saved or deleted, so the next export reads the ratio metrics afresh.</summary>
    public static void SlosChanged() => Interlocked.Increment(ref ratioVersion);

    public void Dispose()
    {
        foreach (var partition in _partitions)
        {
            partition.Dispose();
        }
    }

    /// <summary>Reads an export (points checked per the specification) and ingests it.</summary>
    public async Task<IngestOutcome> ExportAsync(Otlp.Collector.ExportMetricsServiceRequest request, IReadOnlySet<string>? allowedServices,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var batch = OtlpReader.Read(request, now, TimeSpan.FromSeconds(options.Value.MaxClockSkewSeconds), TimeSpan.FromDays(options.Value.MaxBackfillDays),
            await RatioMetricsAsync(now, cancellationToken));
        return await IngestAsync(batch, allowedServices, cancellationToken);
    }

    private async Task<IReadOnlySet<string>> RatioMetricsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var version = Interlocked.Read(ref ratioVersion);
        if (_ratioMetrics is { } cached && cached.Version == version && now - cached.At < TimeSpan.FromSeconds(5))
        {
            return cached.Names;
        }
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var ratios = await db.Set<SloDefinition>().AsNoTracking().Where(s => s.Indicator == SliKinds.Ratio).Select(s => s.Ratio).ToListAsync(cancellationToken);
        var names = ratios.Where(r => r is not null).SelectMany(r => new[] { r!.Events.Metric, r.Total.Metric }).ToHashSet(StringComparer.Ordinal);
        _ratioMetrics = new RatioMetrics(version, now, names);
        return names;
    }

    public async Task<IngestOutcome> IngestAsync(OtlpBatch batch, IReadOnlySet<string>? allowedServices, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var names = batch.PointsByService.Keys.Concat(batch.RejectedByService.Keys).Distinct(StringComparer.Ordinal).ToList();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var components = await ResolveAsync(db, names, cancellationToken);
        foreach (var name in names)
        {
            var accepted = batch.PointsByService.GetValueOrDefault(name);
            if (accepted == 0)
            {
                continue;
            }
            if (allowedServices is { Count: > 0 } && !allowedServices.Contains(name))
            {
                Refuse(batch, components, name, accepted, $"This token may not send data for the service '{name}'.");
            }
            else if (!components.ContainsKey(name))
            {
                Refuse(batch, components, name, accepted,
                    $"service.name '{name}' is not a component in the catalog: register it, or map the name in Portal:Slo:ServiceAliases.");
            }
        }
        await db.Database.OpenConnectionAsync(cancellationToken);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var partitions = batch.Samples.Select(s => StreamPartitions.Of(s.ServiceName)).Distinct().Order().ToArray();
        var entered = 0;
        try
        {
            foreach (var p in partitions)
            {
                await _partitions[p].Gate.WaitAsync(cancellationToken);
                entered++;
            }
            for (var attempt = 1; ; attempt++)
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                try
                {
                    var written = await WriteAsync(db, connection, batch, components, partitions, now, cancellationToken);
                    await transaction.CommitAsync(cancellationToken);
                    foreach (var (p, streams, journalId) in written)
                    {
                        var partition = _partitions[p];
                        foreach (var stream in streams)
                        {
                            if (partition.Streams.TryGetValue(stream.Key, out var kept))
                            {
                                kept.MoveTo(stream);
                            }
                            else
                            {
                                partition.Streams[stream.Key] = stream;
                            }
                            partition.Unfolded.Add(stream.Key);
                        }
                        partition.Position = journalId;
                    }
                    await FoldIfDueAsync(connection, partitions, now, cancellationToken);
                    return new IngestOutcome(batch.Rejected, batch.Problems);
                }
                // A deadlock, or an SLO deleted while this export counted for it (its counts' foreign key): retry. The states in
                // memory are untouched (an export's are applied after its commit), so the retry starts from the same ones.
                catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure
                    or PostgresErrorCodes.ForeignKeyViolation)
                {
                    logger.LogDebug(ex, "Export collided with another write; retrying");
                }
                await transaction.RollbackAsync(cancellationToken);
                if (attempt == Attempts)
                {
                    throw new IngestConflictException();
                }
            }
        }
        finally
        {
            for (var i = 0; i < entered; i++)
            {
                _partitions[partitions[i]].Gate.Release();
            }
        }
    }

    /// <summary>
    /// One attempt, in the caller's transaction (the caller is in the gates of <paramref name="partitions"/>): per
    /// partition, the streams it advanced and the id of its journal row. The caller applies them to memory once committed.
    /// </summary>
    private async Task<List<(int Partition, List<MetricStream> Streams, long JournalId)>> WriteAsync(PortalDbContext db, NpgsqlConnection connection,
        OtlpBatch batch, Dictionary<string, string?> components, int[] partitions, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var touched = batch.Samples.Select(s => components[s.ServiceName]!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var (newest, sloVersion) = await LockAsync(connection, touched, partitions, cancellationToken);
        foreach (var p in partitions)
        {
            await CatchUpAsync(connection, p, newest[p], cancellationToken);
        }
        var slos = await SlosAsync(db, touched, sloVersion, cancellationToken);
        var slosByComponent = slos.ToLookup(s => s.ComponentRef, StringComparer.Ordinal);

        // The streams' states as read: never changed (the objects are shared with memory), a point that advances a stream gets a new one.
        var states = new Dictionary<string, MetricStream>(StringComparer.Ordinal);
        var unknown = new HashSet<string>(StringComparer.Ordinal);
        foreach (var sample in batch.Samples)
        {
            if (sample.Cumulative && !states.ContainsKey(sample.StreamKey))
            {
                if (_partitions[StreamPartitions.Of(sample.ServiceName)].Streams.TryGetValue(sample.StreamKey, out var known))
                {
                    states[sample.StreamKey] = known;
                }
                else
                {
                    unknown.Add(sample.StreamKey);
                }
            }
        }
        foreach (var (key, state) in await ReadStreamsAsync(connection, [.. unknown], cancellationToken))
        {
            states[key] = state;
        }
        var changed = new Dictionary<string, int>(StringComparer.Ordinal); // stream key: its partition
        var red = new Dictionary<(string, DateTimeOffset), ServiceMinute>();
        var increments = new List<CountIncrement>();
        var edges = slos.ToDictionary(s => s.Id, s => s.StartEdgeAt(now));
        bool Keeps(Guid slo, DateTimeOffset minute) => SloWindows.KeepsMinute(minute, now, CountRetention.Default, edges[slo]);
        // SLO minutes counted from the component's whole RED minute instead of point by point (see CountFromRedAsync).
        var fromRed = new HashSet<(SloDefinition Slo, DateTimeOffset Minute)>();
        var firstPointMaxAge = TimeSpan.FromMinutes(options.Value.FirstPointMaxAgeMinutes);
        foreach (var sample in InTimeOrder(batch.Samples))
        {
            var component = components[sample.ServiceName]!;
            var previous = states.GetValueOrDefault(sample.StreamKey);
            var (delta, advance) = StreamDeltas.Next(previous, sample, firstPointMaxAge);
            if (advance)
            {
                states[sample.StreamKey] = new MetricStream
                {
                    Key = previous?.Key ?? sample.StreamKey,
                    ComponentRef = previous?.ComponentRef ?? component,
                    Metric = previous?.Metric ?? sample.Metric,
                    StartUnixNano = sample.StartUnixNano,
                    TimeUnixNano = sample.TimeUnixNano,
                    Value = sample.Count,
                    Sum = sample.Sum,
                    BucketCounts = sample.BucketCounts,
                    Bounds = sample.Bounds,
                    LastSeenAt = now,
                };
                changed[sample.StreamKey] = StreamPartitions.Of(sample.ServiceName);
            }
            if (delta is null)
            {
                continue;
            }
            var minute = SloMath.MinuteOf(OtlpReader.FromUnixNano(sample.TimeUnixNano));
            if (sample.Metric == OtlpReader.HttpServerDuration)
            {
                if (!red.TryGetValue((component, minute), out var row))
                {
                    red[(component, minute)] = row = new ServiceMinute { ComponentRef = component, Minute = minute };
                }
                row.Requests += delta.Count;
                row.Errors += sample.IsServerError ? delta.Count : 0;
                row.DurationSum += delta.Sum;
                foreach (var (bound, count) in delta.Buckets())
                {
                    row.LatencyBuckets[bound] = row.LatencyBuckets.GetValueOrDefault(bound) + count;
                }
            }
            foreach (var slo in slosByComponent[component])
            {
                if (SliMinutes.Count(slo, sample, delta) is { } counts)
                {
                    increments.Add(new CountIncrement(slo.Id, minute, counts.Good, counts.Total));
                    if (counts.Interpolated || (slo.BudgetingMethod == "Timeslices" && slo.Indicator != SliKinds.Ratio && !Keeps(slo.Id, minute)))
                    {
                        fromRed.Add((slo, minute));
                    }
                }
            }
        }
        var lateSlices = fromRed.Count == 0 ? [] : await CountFromRedAsync(connection, fromRed, red, increments, Keeps, cancellationToken);
        // The journal rows (one per partition that advanced) and the rows exports share (minutes, sources, SLO hours and
        // days) go in the last round trip, so the shared rows are held only until the commit.
        var shared = new List<NpgsqlBatchCommand>();
        var written = new List<(int Partition, List<MetricStream> Streams, long JournalId)>();
        foreach (var group in changed.GroupBy(c => c.Value).OrderBy(g => g.Key))
        {
            var partition = _partitions[group.Key];
            var streams = group.Select(c => states[c.Key]).ToList();
            StreamStatePacking.Pack(streams, partition.Packed);
            written.Add((group.Key, streams, partition.Position + 1));
            shared.Add(StreamJournal.AppendCommand(group.Key, partition.Position + 1, now,
                partition.Packed.GetBuffer().AsMemory(0, (int)partition.Packed.Length), null));
        }
        if (MinutesCommand(red.Values.OrderBy(r => r.ComponentRef, StringComparer.Ordinal).ThenBy(r => r.Minute).ToList()) is { } minutes)
        {
            shared.Add(minutes);
        }
        if (SourcesCommand(batch, components, now) is { } sources)
        {
            shared.Add(sources);
        }
        await SloCountStore.AddAsync(connection, increments, slos.ToDictionary(s => s.Id, SliMinutes.SliceTarget), Keeps, lateSlices, shared, cancellationToken);
        return written;
    }

    /// <summary>
    /// Counts some SLO minutes from the component's whole RED minute, before and after this export (read under the
    /// component's lock, so nothing changes it in between), as a rebuild from history counts them: a latency threshold
    /// inside a bucket is interpolated and rounded down per minute, not per point; and a Timeslices minute no longer kept
    /// as a row (late data, older than the minutes kept) is judged again, its slice change returned for its hour and day.
    /// The increments of those minutes are replaced by the RED minute's difference.
    /// </summary>
    private static async Task<List<SliceChange>> CountFromRedAsync(NpgsqlConnection connection, HashSet<(SloDefinition Slo, DateTimeOffset Minute)> keys,
        Dictionary<(string, DateTimeOffset), ServiceMinute> red, List<CountIncrement> increments, Func<Guid, DateTimeOffset, bool> keeps,
        CancellationToken cancellationToken)
    {
        var wanted = keys.Select(k => (k.Slo.ComponentRef, k.Minute)).Distinct().ToList();
        var before = new Dictionary<(string, DateTimeOffset), ServiceMinute>();
        await using (var command = new NpgsqlCommand("""
            SELECT m.component_ref, m.minute, m.requests, m.errors, m.latency_buckets::text
            FROM slo_service_minutes m JOIN unnest(@c, @m) AS k(c, m) ON m.component_ref = k.c AND m.minute = k.m
            """, connection))
        {
            command.Parameters.Add(new NpgsqlParameter<string[]>("c", wanted.Select(w => w.ComponentRef).ToArray()));
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]>("m", wanted.Select(w => w.Minute).ToArray()));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var row = new ServiceMinute
                {
                    ComponentRef = reader.GetString(0), Minute = reader.GetFieldValue<DateTimeOffset>(1), Requests = reader.GetInt64(2), Errors = reader.GetInt64(3),
                    LatencyBuckets = JsonSerializer.Deserialize<Dictionary<string, long>>(reader.GetString(4)) ?? [],
                };
                before[(row.ComponentRef, row.Minute)] = row;
            }
        }
        var replaced = keys.Select(k => (k.Slo.Id, k.Minute)).ToHashSet();
        increments.RemoveAll(i => replaced.Contains((i.SloId, i.Minute)));
        var slices = new List<SliceChange>();
        foreach (var (slo, minute) in keys)
        {
            var was = before.GetValueOrDefault((slo.ComponentRef, minute)) ?? new ServiceMinute { ComponentRef = slo.ComponentRef, Minute = minute };
            var added = red[(slo.ComponentRef, minute)];
            var after = new ServiceMinute
            {
                ComponentRef = slo.ComponentRef, Minute = minute, Requests = was.Requests + added.Requests, Errors = was.Errors + added.Errors,
                LatencyBuckets = was.LatencyBuckets.Keys.Union(added.LatencyBuckets.Keys)
                    .ToDictionary(k => k, k => was.LatencyBuckets.GetValueOrDefault(k) + added.LatencyBuckets.GetValueOrDefault(k)),
            };
            var counted = SliMinutes.Events(slo, [was, after]).Minutes;
            var (old, now) = (counted[0], counted[1]);
            increments.Add(new CountIncrement(slo.Id, minute, now.Good - old.Good, now.Total - old.Total));
            if (slo.BudgetingMethod == "Timeslices" && !keeps(slo.Id, minute))
            {
                var target = SliMinutes.SliceTarget(slo);
                long Good(MinuteCounts m) => SloCountStore.GoodSlice(m.Good, m.Total, target) ? 1 : 0;
                slices.Add(new SliceChange(slo.Id, minute, Good(now) - Good(old), (now.Total > 0 ? 1 : 0) - (old.Total > 0 ? 1 : 0)));
            }
        }
        return slices;
    }

    /// <summary>
    /// One round trip: the touched components' locks (an SLO being created or changed holds one too, so its history
    /// rebuild and this export never both count a minute; and two exports for one component, which may come from
    /// services in different partitions, never both read and add its minutes), then the partitions' locks (always in
    /// this order, as SLO changes take them too, each kind ascending), then the partitions' newest journal ids and a
    /// version of the components' SLO definitions.
    /// </summary>
    private static async Task<(Dictionary<int, long> Newest, string SloVersion)> LockAsync(NpgsqlConnection connection, string[] components, int[] partitions,
        CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection);
        var componentLocks = new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock(hashtextextended(c, 1360)) FROM unnest($1) AS c");
        componentLocks.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = components });
        batch.BatchCommands.Add(componentLocks);
        batch.BatchCommands.Add(StreamJournal.LockCommand(partitions));
        batch.BatchCommands.Add(StreamJournal.NewestCommand(partitions));
        // Row ids and versions (xmin changes with every update): equal only if no SLO of these components was created, changed or deleted.
        var read = new NpgsqlBatchCommand(
            "SELECT coalesce(string_agg(id::text || ':' || xmin::text, ',' ORDER BY id), '') FROM slo_definitions WHERE component_ref = ANY($1)");
        read.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = components });
        batch.BatchCommands.Add(read);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        var newest = await StreamJournal.ReadNewestAsync(reader, cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (newest, reader.GetString(0));
    }

    // SLO definitions by the set of components an export touched, with the version they were read at (locked: exports of
    // different partitions use it at once).
    private readonly Dictionary<string, (string Version, List<SloDefinition> Slos)> _slos = new(StringComparer.Ordinal);

    /// <summary>The components' SLOs: as read before when their version is unchanged, else read again.</summary>
    private async Task<List<SloDefinition>> SlosAsync(PortalDbContext db, string[] components, string version, CancellationToken cancellationToken)
    {
        var key = string.Join('\n', components);
        lock (_slos)
        {
            if (_slos.TryGetValue(key, out var known) && known.Version == version)
            {
                return known.Slos;
            }
        }
        var slos = components.Length == 0 ? []
            : await db.Set<SloDefinition>().AsNoTracking().Where(s => components.Contains(s.ComponentRef)).ToListAsync(cancellationToken);
        lock (_slos)
        {
            if (_slos.Count > 10_000)
            {
                _slos.Clear();
            }
            _slos[key] = (version, slos);
        }
        return slos;
    }

    /// <summary>Applies a partition's journal rows up to <paramref name="newest"/> that this process has not seen (the caller holds its lock).</summary>
    private async Task CatchUpAsync(NpgsqlConnection connection, int p, long newest, CancellationToken cancellationToken)
    {
        var partition = _partitions[p];
        if (newest != partition.Position)
        {
            var reset = newest < partition.Position;
            Replay(partition, await StreamJournal.ReadAfterAsync(connection, p, reset ? 0 : partition.Position, cancellationToken), reset);
        }
    }

    /// <summary>
    /// Applies a partition's journal rows this process has not seen, in order. A fold marker of rows it had all seen
    /// only means its states are in the table now; one of rows it never read, a forget marker or a journal that went
    /// back (reset) means what it holds may be stale: it drops it and reads those streams from the table when they come.
    /// </summary>
    private static void Replay(Partition partition, List<StreamJournalEntry> entries, bool reset)
    {
        if (reset)
        {
            partition.Streams.Clear();
            partition.Unfolded.Clear();
            partition.Position = 0;
        }
        foreach (var entry in entries)
        {
            if (entry.States is { } packed)
            {
                foreach (var state in StreamStatePacking.Unpack(packed, entry.WrittenAt))
                {
                    partition.Streams[state.Key] = state;
                    partition.Unfolded.Add(state.Key);
                }
            }
            else if (entry.FoldedThrough == partition.Position)
            {
                partition.Unfolded.Clear();
            }
            else
            {
                partition.Streams.Clear();
                partition.Unfolded.Clear();
            }
            partition.Position = entry.Id;
        }
    }

    /// <summary>
    /// Every <see cref="SloOptions.StreamFoldExports"/> exports of a partition (or after a minute with any), writes the
    /// newest state of its streams journalled since the last fold into <c>slo_metric_streams</c> and deletes those
    /// journal rows, in its own transaction under that partition's lock only. The export it follows is committed
    /// already: a failed fold is logged and tried again next time.
    /// </summary>
    private async Task FoldIfDueAsync(NpgsqlConnection connection, int[] partitions, DateTimeOffset now, CancellationToken cancellationToken)
    {
        foreach (var p in partitions)
        {
            var partition = _partitions[p];
            partition.ExportsSinceFold++;
            if (partition.Unfolded.Count == 0 || (partition.ExportsSinceFold < options.Value.StreamFoldExports && now - partition.FoldedAt < TimeSpan.FromMinutes(1)))
            {
                continue;
            }
            try
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                var newest = await StreamJournal.LockAsync(connection, [p], cancellationToken);
                await CatchUpAsync(connection, p, newest[p], cancellationToken);
                var states = partition.Unfolded.Select(k => partition.Streams[k]).ToList();
                var marker = await StreamJournal.FoldAsync(connection, p, states, partition.Position, now, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                partition.Position = marker;
                partition.Unfolded.Clear();
                partition.ExportsSinceFold = 0;
                partition.FoldedAt = now;
                if (partition.Streams.Count > MaxCachedStreamsPerPartition)
                {
                    partition.Streams.Clear(); // all folded: the table has them
                }
            }
            catch (Exception ex) when (ex is PostgresException or NpgsqlException)
            {
                logger.LogWarning(ex, "Folding partition {Partition} of the stream-state journal failed; it is tried again after its next export", p);
            }
        }
    }

    /// <summary>The samples by time, stable (an export's points are usually in order already: then they are taken as they are).</summary>
    private static IEnumerable<MetricSample> InTimeOrder(List<MetricSample> samples)
    {
        for (var i = 1; i < samples.Count; i++)
        {
            if (samples[i].TimeUnixNano < samples[i - 1].TimeUnixNano)
            {
                return samples.OrderBy(s => s.TimeUnixNano);
            }
        }
        return samples;
    }

    private static async Task<Dictionary<string, MetricStream>> ReadStreamsAsync(NpgsqlConnection connection, string[] keys, CancellationToken cancellationToken)
    {
        var states = new Dictionary<string, MetricStream>(StringComparer.Ordinal);
        if (keys.Length == 0)
        {
            return states;
        }
        await using var command = new NpgsqlCommand("""
            SELECT key, component_ref, metric, start_unix_nano, time_unix_nano, value, sum, bucket_counts, bounds
            FROM slo_metric_streams WHERE key = ANY(@k)
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<string[]>("k", keys));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            states[reader.GetString(0)] = new MetricStream
            {
                Key = reader.GetString(0),
                ComponentRef = reader.GetString(1),
                Metric = reader.GetString(2),
                StartUnixNano = reader.GetInt64(3),
                TimeUnixNano = reader.GetInt64(4),
                Value = reader.GetDouble(5),
                Sum = reader.GetDouble(6),
                BucketCounts = PackedArrays.UnpackLongs(reader.GetFieldValue<byte[]>(7)),
                Bounds = PackedArrays.UnpackDoubles(reader.GetFieldValue<byte[]>(8)),
            };
        }
        return states;
    }

    /// <summary>Adds the export's RED increases to the minutes, bucket by bucket, in one additive upsert (null: nothing to add).</summary>
    private static NpgsqlBatchCommand? MinutesCommand(List<ServiceMinute> rows)
    {
        if (rows.Count == 0)
        {
            return null;
        }
        var upsert = new NpgsqlBatchCommand("""
            INSERT INTO slo_service_minutes AS m (component_ref, minute, requests, errors, duration_sum, latency_buckets)
            SELECT u.c, u.m, u.r, u.e, u.d, u.b::jsonb FROM unnest($1, $2, $3, $4, $5, $6) AS u(c, m, r, e, d, b)
            ON CONFLICT (component_ref, minute) DO UPDATE SET requests = m.requests + excluded.requests, errors = m.errors + excluded.errors,
                duration_sum = m.duration_sum + excluded.duration_sum,
                latency_buckets = coalesce((SELECT jsonb_object_agg(k, coalesce((m.latency_buckets ->> k)::bigint, 0) + coalesce((excluded.latency_buckets ->> k)::bigint, 0))
                                   FROM (SELECT jsonb_object_keys(m.latency_buckets) UNION SELECT jsonb_object_keys(excluded.latency_buckets)) AS keys(k)), '{}'::jsonb)
            """);
        upsert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = rows.Select(r => r.ComponentRef).ToArray() });
        upsert.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = rows.Select(r => r.Minute).ToArray() });
        upsert.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = rows.Select(r => r.Requests).ToArray() });
        upsert.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = rows.Select(r => r.Errors).ToArray() });
        upsert.Parameters.Add(new NpgsqlParameter<double[]> { TypedValue = rows.Select(r => r.DurationSum).ToArray() });
        upsert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = rows.Select(r => JsonSerializer.Serialize(r.LatencyBuckets)).ToArray() });
        return upsert;
    }

    private static void Refuse(OtlpBatch batch, Dictionary<string, string?> components, string name, long points, string problem)
    {
        batch.Reject(name, points, problem);
        batch.PointsByService[name] = 0;
        batch.Samples.RemoveAll(s => s.ServiceName == name);
        components.Remove(name);
    }

    // Names found recently: a service exports every few seconds, its component rarely changes. Names not found are
    // looked up every time, so a component registered a moment ago is found at its next export.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (string Ref, DateTimeOffset At)> _resolved = new(StringComparer.Ordinal);

    /// <summary>service.name to component ref: a configured alias, else a Component with that name (any namespace, default first).</summary>
    private async Task<Dictionary<string, string?>> ResolveAsync(PortalDbContext db, List<string> names, CancellationToken cancellationToken)
    {
        var resolved = new Dictionary<string, string?>(StringComparer.Ordinal);
        var now = time.GetUtcNow();
        foreach (var name in names)
        {
            if (_resolved.TryGetValue(name, out var known) && now - known.At < TimeSpan.FromSeconds(30))
            {
                resolved[name] = known.Ref;
            }
        }
        if (resolved.Count == names.Count)
        {
            return resolved;
        }
        names = names.Where(n => !resolved.ContainsKey(n)).ToList();
        var lower = names.Select(n => n.ToLowerInvariant()).ToList();
#pragma warning disable CA1304, CA1311 // translated to SQL lower(), not run in .NET
        var found = await CatalogReads.Active(db, CatalogKinds.Component).Where(i => lower.Contains(i.Name.ToLower()))
            .Select(i => new { i.Name, i.Namespace, EntityRef = i.Ref }).ToListAsync(cancellationToken);
#pragma warning restore CA1304, CA1311
        foreach (var name in names)
        {
            if (options.Value.ServiceAliases.TryGetValue(name, out var alias))
            {
                resolved[name] = alias.ToLowerInvariant();
                continue;
            }
            var match = found.Where(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase))
                .OrderBy(e => e.Namespace == Catalog.EntityRef.DefaultNamespace ? 0 : 1).ThenBy(e => e.EntityRef, StringComparer.Ordinal).FirstOrDefault();
            if (match is not null)
            {
                resolved[name] = match.EntityRef;
                _resolved[name] = (match.EntityRef, now);
            }
        }
        return resolved;
    }

    /// <summary>Counts each service's accepted and rejected points (additive, so concurrent exports both count); null: no services.</summary>
    private static NpgsqlBatchCommand? SourcesCommand(OtlpBatch batch, Dictionary<string, string?> components, DateTimeOffset now)
    {
        var names = batch.PointsByService.Keys.Concat(batch.RejectedByService.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (names.Length == 0)
        {
            return null;
        }
        var upsert = new NpgsqlBatchCommand("""
            INSERT INTO slo_telemetry_sources AS s (service_name, component_ref, first_seen_at, last_seen_at, accepted_points, rejected_points, last_rejection)
            SELECT u.n, u.c, $1, $1, u.a, u.r, u.p FROM unnest($2, $3, $4, $5, $6) AS u(n, c, a, r, p)
            ON CONFLICT (service_name) DO UPDATE SET component_ref = coalesce(excluded.component_ref, s.component_ref), last_seen_at = excluded.last_seen_at,
                accepted_points = s.accepted_points + excluded.accepted_points, rejected_points = s.rejected_points + excluded.rejected_points,
                last_rejection = coalesce(excluded.last_rejection, s.last_rejection)
            """);
        upsert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        upsert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = names });
        upsert.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = names.Select(n => components.GetValueOrDefault(n)).ToArray() });
        upsert.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = names.Select(n => batch.PointsByService.GetValueOrDefault(n)).ToArray() });
        upsert.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = names.Select(n => batch.RejectedByService.GetValueOrDefault(n)).ToArray() });
        upsert.Parameters.Add(new NpgsqlParameter<string?[]>
        {
            TypedValue = names.Select(n => batch.RejectedByService.GetValueOrDefault(n) > 0
                ? batch.Problems.FirstOrDefault(p => p.Contains($"'{n}'", StringComparison.Ordinal)) ?? batch.Problems.FirstOrDefault() : null).ToArray(),
        });
        return upsert;
    }
}
