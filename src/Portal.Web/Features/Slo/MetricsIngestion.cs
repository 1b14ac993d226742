using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Portal.Web.Data;

namespace Portal.Web.Features.Slo;

/// <summary>The outcome of one export: points rejected (partial success) and why.</summary>
public sealed record IngestOutcome(long Rejected, IReadOnlyList<string> Problems)
{
    /// <summary>The OTLP answer: partial success naming the rejected points when there are any.</summary>
    public Otlp.Collector.ExportMetricsServiceResponse ToResponse() => Rejected == 0 ? new()
        : new() { PartialSuccess = new Otlp.Collector.ExportMetricsPartialSuccess { RejectedDataPoints = Rejected, ErrorMessage = string.Join(" ", Problems) } };
}

/// <summary>Exports kept colliding with concurrent ones on the same streams; the client should retry (503).</summary>
public sealed class IngestConflictException() : Exception("Concurrent exports kept changing the same streams.");

/// <summary>
/// Turns a checked export into per-minute aggregates, set-based (a few statements per export, not one per point):
/// services matched to catalog components, cumulative streams turned into increases (their state written in the same
/// transaction), increases added to the components' RED minutes and to every SLO's minute, hour and day counts.
/// Concurrency is optimistic: stream state is read without locks and written only if unchanged since (compare and
/// set); an export that lost a race is retried whole. The shared rows (minutes, sources) are written last, in key
/// order, so they are held only for the commit. Unknown services and services a token may not send for are counted
/// and reported as rejected points, never dropped silently.
/// </summary>
public sealed class MetricsIngestion(IDbContextFactory<PortalDbContext> dbFactory, IOptions<SloOptions> options, TimeProvider time, ILogger<MetricsIngestion> logger)
{
    private const int Attempts = 5;
    private const int MaxCachedStreams = 500_000;

    // Stream state as this process last committed it, so an export need not read its streams back. The compare-and-set
    // on write still checks against the database: if another replica (or the expiry sweep) changed a stream, the write
    // fails and the retry reads every stream from the database.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, MetricStream> _streams = new(StringComparer.Ordinal);

    // The metric names ratio SLOs use, re-read when an SLO is saved here or after a few seconds (another replica's save).
    private static long ratioVersion;
    private (long Version, DateTimeOffset At, IReadOnlySet<string> Names)? _ratioMetrics;

    /// <summary>Called when an SLO is saved or deleted, so the next export reads the ratio metrics afresh.</summary>
    public static void SlosChanged() => Interlocked.Increment(ref ratioVersion);

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
        _ratioMetrics = (version, now, names);
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
        for (var attempt = 1; ; attempt++)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            try
            {
                if (await TryWriteAsync(db, connection, batch, components, now, fromDatabase: attempt > 1, cancellationToken) is { } written)
                {
                    await transaction.CommitAsync(cancellationToken);
                    if (_streams.Count > MaxCachedStreams)
                    {
                        _streams.Clear();
                    }
                    foreach (var stream in written)
                    {
                        _streams[stream.Key] = stream;
                    }
                    return new IngestOutcome(batch.Rejected, batch.Problems);
                }
            }
            // A deadlock, or an SLO deleted while this export counted for it (its counts' foreign key): retry.
            catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure
                or PostgresErrorCodes.ForeignKeyViolation)
            {
                logger.LogDebug(ex, "Export collided with another one; retrying");
            }
            await transaction.RollbackAsync(cancellationToken);
            if (attempt == Attempts)
            {
                throw new IngestConflictException();
            }
        }
    }

    /// <summary>One attempt: the streams it wrote, or null when a concurrent export changed a stream this one read (the caller retries).</summary>
    private async Task<List<MetricStream>?> TryWriteAsync(PortalDbContext db, NpgsqlConnection connection, OtlpBatch batch, Dictionary<string, string?> components,
        DateTimeOffset now, bool fromDatabase, CancellationToken cancellationToken)
    {
        var touched = batch.Samples.Select(s => components[s.ServiceName]!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        // Shared per component: an SLO being created or changed (exclusive) waits, so its history rebuild and this export never both count a minute.
        await using (var locks = new NpgsqlCommand("SELECT pg_advisory_xact_lock_shared(hashtextextended(c, 1360)) FROM unnest(@c) AS c", connection))
        {
            locks.Parameters.Add(new NpgsqlParameter<string[]>("c", touched));
            await locks.ExecuteNonQueryAsync(cancellationToken);
        }
        var slos = touched.Length == 0 ? [] : await db.Set<SloDefinition>().AsNoTracking().Where(s => touched.Contains(s.ComponentRef)).ToListAsync(cancellationToken);
        var slosByComponent = slos.ToLookup(s => s.ComponentRef, StringComparer.Ordinal);

        // The streams' states as read: never changed (cached objects are shared), a point that advances a stream gets a new one.
        var read = new Dictionary<string, MetricStream>(StringComparer.Ordinal);
        var unknown = new HashSet<string>(StringComparer.Ordinal);
        foreach (var sample in batch.Samples)
        {
            if (sample.Cumulative && !read.ContainsKey(sample.StreamKey))
            {
                if (!fromDatabase && _streams.TryGetValue(sample.StreamKey, out var cached))
                {
                    read[sample.StreamKey] = cached;
                }
                else
                {
                    unknown.Add(sample.StreamKey);
                }
            }
        }
        foreach (var (key, state) in await ReadStreamsAsync(connection, [.. unknown], cancellationToken))
        {
            read[key] = state;
        }
        var states = new Dictionary<string, MetricStream>(read, StringComparer.Ordinal);
        var changed = new HashSet<string>(StringComparer.Ordinal);
        var red = new Dictionary<(string, DateTimeOffset), ServiceMinute>();
        var increments = new List<CountIncrement>();
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
                    Key = sample.StreamKey,
                    ComponentRef = previous?.ComponentRef ?? component,
                    Metric = previous?.Metric ?? sample.Metric,
                    StartUnixNano = sample.StartUnixNano,
                    TimeUnixNano = sample.TimeUnixNano,
                    Value = sample.Count,
                    Sum = sample.Sum,
                    BucketCounts = sample.BucketCounts,
                    Bounds = sample.Bounds,
                    LastSeenAt = previous?.LastSeenAt ?? default,
                };
                changed.Add(sample.StreamKey);
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
                }
            }
        }
        var written = changed.Select(k => states[k]).ToList();
        written.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        if (!await WriteStreamsAsync(connection, written, read, now, cancellationToken))
        {
            foreach (var key in read.Keys)
            {
                _streams.TryRemove(key, out _);
            }
            return null;
        }
        // The rows every export shares (minutes, sources, SLO hours and days) go in the last round trip, so they are held only until the commit.
        var shared = new List<NpgsqlBatchCommand>();
        if (MinutesCommand(red.Values.OrderBy(r => r.ComponentRef, StringComparer.Ordinal).ThenBy(r => r.Minute).ToList()) is { } minutes)
        {
            shared.Add(minutes);
        }
        if (SourcesCommand(batch, components, now) is { } sources)
        {
            shared.Add(sources);
        }
        await SloCountStore.AddAsync(connection, increments, slos.ToDictionary(s => s.Id, SliMinutes.SliceTarget), now, shared, cancellationToken);
        return written;
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

    /// <summary>
    /// Writes the streams' new state in one round trip: new streams inserted (a key someone else inserted meanwhile is a
    /// collision), known ones updated only where start and time are still what this export read. False on any collision.
    /// </summary>
    private static async Task<bool> WriteStreamsAsync(NpgsqlConnection connection, List<MetricStream> streams,
        Dictionary<string, MetricStream> read, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var fresh = streams.Where(s => !read.ContainsKey(s.Key)).ToList();
        var known = streams.Where(s => read.ContainsKey(s.Key)).ToList();
        if (streams.Count == 0)
        {
            return true;
        }
        await using var batch = new NpgsqlBatch(connection);
        // An export's streams are a small part of the table: one index lookup each. Left to itself the planner hashes the
        // whole table for every export (unnest's row count is known, the table's pages look cheaper to read in order).
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SET LOCAL enable_hashjoin = off"));
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SET LOCAL enable_mergejoin = off"));
        var insert = fresh.Count == 0 ? null : StateCommand("""
            INSERT INTO slo_metric_streams (key, component_ref, metric, start_unix_nano, time_unix_nano, value, sum, bucket_counts, bounds, last_seen_at)
            SELECT u.k, u.c, u.m, u.st, u.t, u.v, u.s, u.bc, u.b, $1
            FROM unnest($2, $3, $4, $5, $6, $7, $8, $9, $10) AS u(k, st, t, v, s, bc, b, c, m)
            ON CONFLICT (key) DO NOTHING
            """, fresh, now);
        if (insert is not null)
        {
            insert.Parameters.Add(new NpgsqlParameter<string[]>{ TypedValue = fresh.Select(s => s.ComponentRef).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = fresh.Select(s => s.Metric).ToArray() });
            batch.BatchCommands.Add(insert);
        }
        var update = known.Count == 0 ? null : StateCommand("""
            UPDATE slo_metric_streams AS s SET start_unix_nano = u.st, time_unix_nano = u.t, value = u.v, sum = u.s,
                bucket_counts = u.bc, bounds = u.b, last_seen_at = $1
            FROM unnest($2, $3, $4, $5, $6, $7, $8, $9, $10) AS u(k, st, t, v, s, bc, b, pst, pt)
            WHERE s.key = u.k AND s.start_unix_nano = u.pst AND s.time_unix_nano = u.pt
            """, known, now);
        if (update is not null)
        {
            update.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = known.Select(s => read[s.Key].StartUnixNano).ToArray() });
            update.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = known.Select(s => read[s.Key].TimeUnixNano).ToArray() });
            batch.BatchCommands.Add(update);
        }
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SET LOCAL enable_hashjoin TO DEFAULT"));
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SET LOCAL enable_mergejoin TO DEFAULT"));
        await batch.ExecuteNonQueryAsync(cancellationToken);
        return (insert is null || insert.RecordsAffected == fresh.Count) && (update is null || update.RecordsAffected == known.Count);
    }

    /// <summary>A statement with the state parameters $1 (now) to $8 (bounds), positional as batch commands want them.</summary>
    private static NpgsqlBatchCommand StateCommand(string sql, List<MetricStream> streams, DateTimeOffset now)
    {
        // Streams of one metric share their bounds array: packed once.
        var packedBounds = new Dictionary<double[], byte[]>(ReferenceEqualityComparer.Instance);
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = streams.Select(s => s.Key).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = streams.Select(s => s.StartUnixNano).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = streams.Select(s => s.TimeUnixNano).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<double[]> { TypedValue = streams.Select(s => s.Value).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<double[]> { TypedValue = streams.Select(s => s.Sum).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<byte[][]> { TypedValue = streams.Select(s => PackedArrays.Pack(s.BucketCounts)).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<byte[][]>
        {
            TypedValue = streams.Select(s => packedBounds.TryGetValue(s.Bounds, out var b) ? b : packedBounds[s.Bounds] = PackedArrays.Pack(s.Bounds)).ToArray(),
        });
        return command;
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
        var found = await db.CatalogEntities.AsNoTracking().Where(e => e.Kind == "Component" && lower.Contains(e.Name.ToLower()) && e.OrphanedAt == null)
            .Select(e => new { e.Name, e.Namespace, e.EntityRef }).ToListAsync(cancellationToken);
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
