using Npgsql;
using NpgsqlTypes;

namespace Portal.Web.Features.Slo.Ingestion;

/// <summary>Good and total events one export adds to one SLO's minute.</summary>
public readonly record struct CountIncrement(Guid SloId, DateTimeOffset Minute, long Good, long Total);

/// <summary>
/// How one export changes a minute's timeslice that is no longer kept as a row (late data): judged by the caller from the
/// component's RED minute before and after the export, added to the minute's hour and day.
/// </summary>
public readonly record struct SliceChange(Guid SloId, DateTimeOffset Minute, long GoodSlices, long Slices);

/// <summary>The sums of one window: events, and one-minute timeslices.</summary>
public readonly record struct WindowCounts(long Good, long Total, long GoodSlices, long Slices)
{
    /// <summary>The counts the SLO is judged by: events (Occurrences) or slices (Timeslices).</summary>
    public (long Good, long Total) By(string budgetingMethod) => budgetingMethod == "Timeslices" ? (GoodSlices, Slices) : (Good, Total);
}

/// <summary>A named window and the rows that cover it.</summary>
public sealed record CountWindow(string Name, DateTimeOffset Start, List<CountSegment> Segments);

/// <summary>
/// Reads and writes <see cref="SloCount"/> rows set-based (one statement per step for a whole export or a whole
/// evaluation cycle), on the caller's connection and transaction.
/// </summary>
public static class SloCountStore
{
    /// <summary>A minute is a good slice when it had events and its ratio met the slice target.</summary>
    public static bool GoodSlice(long good, long total, decimal sliceTarget) => total > 0 && good >= sliceTarget * total;

    /// <summary>
    /// Adds an export's increases: first to the minutes (getting each minute's new counts and its slice as stored
    /// before), then the same increases, and any slice that changed, to the hours and days, in a second round trip
    /// that also runs <paramref name="alongside"/> (the caller's other writes to shared rows), so those rows are held
    /// only from there to the commit. Rows are touched in key order so concurrent exports cannot deadlock on them.
    /// A minute the SLO no longer keeps as a row (<paramref name="keepsMinute"/> false) adds its events to its hour and
    /// day only; its slice changes come judged in <paramref name="lateSlices"/>.
    /// </summary>
    public static async Task AddAsync(NpgsqlConnection connection, IEnumerable<CountIncrement> increments, IReadOnlyDictionary<Guid, decimal> sliceTargets,
        Func<Guid, DateTimeOffset, bool> keepsMinute, IReadOnlyList<SliceChange> lateSlices, IReadOnlyList<NpgsqlBatchCommand> alongside,
        CancellationToken cancellationToken)
    {
        var all = increments.GroupBy(i => (i.SloId, i.Minute))
            .Select(g => new CountIncrement(g.Key.SloId, g.Key.Minute, g.Sum(i => i.Good), g.Sum(i => i.Total)))
            .Where(i => i.Total != 0 || i.Good != 0).OrderBy(i => i.SloId).ThenBy(i => i.Minute).ToList();
        if (all.Count == 0)
        {
            await ExecuteAsync(connection, alongside, cancellationToken);
            return;
        }
        var rollups = new Dictionary<(Guid, short, DateTimeOffset), WindowCounts>();
        // Late data for a minute no longer kept: its hour and day get the events, and the change of its slice as the
        // caller judged it from the whole minute (the minute row, which would say, is gone).
        var minutes = new List<CountIncrement>(all.Count);
        foreach (var increment in all)
        {
            if (keepsMinute(increment.SloId, increment.Minute))
            {
                minutes.Add(increment);
                continue;
            }
            foreach (var span in new[] { CountSpans.Hour, CountSpans.Day })
            {
                var key = (increment.SloId, span, CountSpans.Floor(span, increment.Minute));
                var sum = rollups.GetValueOrDefault(key);
                rollups[key] = sum with { Good = sum.Good + increment.Good, Total = sum.Total + increment.Total };
            }
        }
        foreach (var late in lateSlices)
        {
            foreach (var span in new[] { CountSpans.Hour, CountSpans.Day })
            {
                var key = (late.SloId, span, CountSpans.Floor(span, late.Minute));
                var sum = rollups.GetValueOrDefault(key);
                rollups[key] = sum with { GoodSlices = sum.GoodSlices + late.GoodSlices, Slices = sum.Slices + late.Slices };
            }
        }
        var sliceChanges = new List<(Guid SloId, DateTimeOffset Minute, long GoodSlices, long Slices)>();
        await using (var upsert = new NpgsqlCommand("""
            INSERT INTO slo_counts AS c (slo_id, span, bucket, good, total, good_slices, slices)
            SELECT u.s, 0, u.b, u.g, u.t, 0, 0 FROM unnest(@s, @b, @g, @t) AS u(s, b, g, t)
            ON CONFLICT (slo_id, span, bucket) DO UPDATE SET good = c.good + excluded.good, total = c.total + excluded.total
            RETURNING slo_id, bucket, good, total, good_slices, slices
            """, connection))
        {
            upsert.Parameters.Add(new NpgsqlParameter<Guid[]>("s", minutes.Select(m => m.SloId).ToArray()));
            upsert.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]>("b", minutes.Select(m => m.Minute).ToArray()));
            upsert.Parameters.Add(new NpgsqlParameter<long[]>("g", minutes.Select(m => m.Good).ToArray()));
            upsert.Parameters.Add(new NpgsqlParameter<long[]>("t", minutes.Select(m => m.Total).ToArray()));
            var increase = minutes.ToDictionary(m => (m.SloId, m.Minute));
            await using var reader = await upsert.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var slo = reader.GetGuid(0);
                var minute = reader.GetFieldValue<DateTimeOffset>(1);
                var (good, total, storedGoodSlice, storedSlice) = (reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5));
                var goodSlice = GoodSlice(good, total, sliceTargets.GetValueOrDefault(slo, 1m)) ? 1L : 0L;
                var slice = total > 0 ? 1L : 0L;
                if (goodSlice != storedGoodSlice || slice != storedSlice)
                {
                    sliceChanges.Add((slo, minute, goodSlice, slice));
                }
                var added = increase[(slo, minute)];
                foreach (var span in new[] { CountSpans.Hour, CountSpans.Day })
                {
                    var key = (slo, span, CountSpans.Floor(span, minute));
                    var sum = rollups.GetValueOrDefault(key);
                    rollups[key] = new WindowCounts(sum.Good + added.Good, sum.Total + added.Total, sum.GoodSlices + goodSlice - storedGoodSlice,
                        sum.Slices + slice - storedSlice);
                }
            }
        }
        var rows = rollups.OrderBy(r => r.Key.Item1).ThenBy(r => r.Key.Item2).ThenBy(r => r.Key.Item3).ToList();
        sliceChanges.Sort((a, b) => a.SloId != b.SloId ? a.SloId.CompareTo(b.SloId) : a.Minute.CompareTo(b.Minute));
        var rollup = new NpgsqlBatchCommand("""
            WITH minutes AS (
                UPDATE slo_counts c SET good_slices = u.gs, slices = u.sl FROM unnest($1, $2, $3, $4) AS u(s, b, gs, sl)
                WHERE c.slo_id = u.s AND c.span = 0 AND c.bucket = u.b)
            INSERT INTO slo_counts AS c (slo_id, span, bucket, good, total, good_slices, slices)
            SELECT * FROM unnest($5, $6, $7, $8, $9, $10, $11)
            ON CONFLICT (slo_id, span, bucket) DO UPDATE SET good = c.good + excluded.good, total = c.total + excluded.total,
                good_slices = c.good_slices + excluded.good_slices, slices = c.slices + excluded.slices
            """);
        rollup.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = sliceChanges.Select(c => c.SloId).ToArray() });
        rollup.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = sliceChanges.Select(c => c.Minute).ToArray() });
        rollup.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = sliceChanges.Select(c => c.GoodSlices).ToArray() });
        rollup.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = sliceChanges.Select(c => c.Slices).ToArray() });
        rollup.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = rows.Select(r => r.Key.Item1).ToArray() });
        rollup.Parameters.Add(new NpgsqlParameter<short[]> { TypedValue = rows.Select(r => r.Key.Item2).ToArray() });
        rollup.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = rows.Select(r => r.Key.Item3).ToArray() });
        rollup.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = rows.Select(r => r.Value.Good).ToArray() });
        rollup.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = rows.Select(r => r.Value.Total).ToArray() });
        rollup.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = rows.Select(r => r.Value.GoodSlices).ToArray() });
        rollup.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = rows.Select(r => r.Value.Slices).ToArray() });
        await ExecuteAsync(connection, [rollup, .. alongside], cancellationToken);
    }

    /// <summary>Runs the commands in one round trip (none: nothing).</summary>
    private static async Task ExecuteAsync(NpgsqlConnection connection, IReadOnlyList<NpgsqlBatchCommand> commands, CancellationToken cancellationToken)
    {
        if (commands.Count == 0)
        {
            return;
        }
        await using var batch = new NpgsqlBatch(connection);
        foreach (var command in commands)
        {
            batch.BatchCommands.Add(command);
        }
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Replaces one SLO's rows with counts computed from history (a new SLO, or a changed indicator): minutes within
    /// the minute retention (and a calendar month's first partial hour, <paramref name="edge"/>), hours and days for all of it.
    /// </summary>
    public static async Task ReplaceAsync(NpgsqlConnection connection, Guid sloId, IReadOnlyList<MinuteCounts> minutes, decimal sliceTarget, DateTimeOffset now,
        CountRetention retention, (DateTimeOffset From, DateTimeOffset To)? edge, CancellationToken cancellationToken)
    {
        await using (var delete = new NpgsqlCommand("DELETE FROM slo_counts WHERE slo_id = @id", connection))
        {
            delete.Parameters.Add(new NpgsqlParameter<Guid>("id", sloId));
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }
        var rows = new Dictionary<(short, DateTimeOffset), WindowCounts>();
        foreach (var m in minutes.Where(m => m.Total != 0 || m.Good != 0))
        {
            var slice = m.Total > 0 ? 1L : 0L;
            var goodSlice = GoodSlice(m.Good, m.Total, sliceTarget) ? 1L : 0L;
            foreach (var span in new[] { CountSpans.Minute, CountSpans.Hour, CountSpans.Day })
            {
                if (span == CountSpans.Minute && !SloWindows.KeepsMinute(m.Minute, now, retention, edge))
                {
                    continue;
                }
                var key = (span, CountSpans.Floor(span, m.Minute));
                var sum = rows.GetValueOrDefault(key);
                rows[key] = new WindowCounts(sum.Good + m.Good, sum.Total + m.Total, sum.GoodSlices + goodSlice, sum.Slices + slice);
            }
        }
        await using var copy = await connection.BeginBinaryImportAsync(
            "COPY slo_counts (slo_id, span, bucket, good, total, good_slices, slices) FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var ((span, bucket), c) in rows)
        {
            await copy.StartRowAsync(cancellationToken);
            await copy.WriteAsync(sloId, NpgsqlDbType.Uuid, cancellationToken);
            await copy.WriteAsync(span, NpgsqlDbType.Smallint, cancellationToken);
            await copy.WriteAsync(bucket, NpgsqlDbType.TimestampTz, cancellationToken);
            await copy.WriteAsync(c.Good, NpgsqlDbType.Bigint, cancellationToken);
            await copy.WriteAsync(c.Total, NpgsqlDbType.Bigint, cancellationToken);
            await copy.WriteAsync(c.GoodSlices, NpgsqlDbType.Bigint, cancellationToken);
            await copy.WriteAsync(c.Slices, NpgsqlDbType.Bigint, cancellationToken);
        }
        await copy.CompleteAsync(cancellationToken);
    }

    /// <summary>
    /// The sums of every distinct segment for the given SLOs (null: all of them) in one query: each segment is one
    /// range scan of the (span, bucket) index across all SLOs, so a window's sum is the sum of its segments' (see
    /// <see cref="Total"/>). SLOs without rows are absent from the answer.
    /// </summary>
    public static async Task<Dictionary<Guid, Dictionary<CountSegment, WindowCounts>>> SumAsync(NpgsqlConnection connection, IReadOnlyCollection<Guid>? sloIds,
        IEnumerable<CountSegment> segments, CancellationToken cancellationToken)
    {
        var result = new Dictionary<Guid, Dictionary<CountSegment, WindowCounts>>();
        var distinct = segments.Distinct().ToList();
        if (distinct.Count == 0 || sloIds is { Count: 0 })
        {
            return result;
        }
        await using var command = SumCommand(connection, sloIds, distinct);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var slo = reader.GetGuid(0);
            if (!result.TryGetValue(slo, out var sums))
            {
                result[slo] = sums = [];
            }
            sums[distinct[(int)reader.GetInt64(1) - 1]] = new WindowCounts(
                (long)reader.GetDecimal(2), (long)reader.GetDecimal(3), (long)reader.GetDecimal(4), (long)reader.GetDecimal(5));
        }
        return result;
    }

    /// <summary>The query of <see cref="SumAsync"/> (public so the benchmark can show its plan).</summary>
    public static NpgsqlCommand SumCommand(NpgsqlConnection connection, IReadOnlyCollection<Guid>? sloIds, List<CountSegment> distinct)
    {
        // LATERAL: one index range scan per segment (a join would let the planner scan the whole table).
        var command = new NpgsqlCommand($"""
            SELECT x.slo_id, s.i, x.good, x.total, x.good_slices, x.slices
            FROM unnest(@sp, @f, @t) WITH ORDINALITY AS s(span, f, t, i)
            CROSS JOIN LATERAL (
                SELECT c.slo_id, sum(c.good) AS good, sum(c.total) AS total, sum(c.good_slices) AS good_slices, sum(c.slices) AS slices
                FROM slo_counts c
                WHERE c.span = s.span AND c.bucket >= s.f AND c.bucket < s.t{(sloIds is null ? "" : " AND c.slo_id = ANY(@ids)")}
                GROUP BY c.slo_id) AS x
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<short[]>("sp", distinct.Select(d => d.Span).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]>("f", distinct.Select(d => d.From).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]>("t", distinct.Select(d => d.To).ToArray()));
        if (sloIds is not null)
        {
            command.Parameters.Add(new NpgsqlParameter<Guid[]>("ids", sloIds.ToArray()));
        }
        return command;
    }

    /// <summary>A window's sums from its segments' sums (a segment without rows adds nothing).</summary>
    public static WindowCounts Total(IReadOnlyDictionary<CountSegment, WindowCounts>? sums, CountWindow window)
    {
        long good = 0, total = 0, goodSlices = 0, slices = 0;
        foreach (var segment in window.Segments)
        {
            if (sums is not null && sums.TryGetValue(segment, out var c))
            {
                good += c.Good;
                total += c.Total;
                goodSlices += c.GoodSlices;
                slices += c.Slices;
            }
        }
        return new WindowCounts(good, total, goodSlices, slices);
    }

    /// <summary>
    /// One SLO's counts over [from, to] for charts, as the SLO is judged (events or slices), summing to what the SLO view
    /// sums: never past the evaluation minute (points stamped up to the clock skew ahead are stored, the view leaves them
    /// out), minutes when the data in the range lies within the minutes kept; else, as the view's windows, hours from the
    /// first whole hour (a calendar month's first partial hour from its kept minutes) with the last, current hour from
    /// minutes. Each row's bucket start is its time.
    /// </summary>
    public static async Task<List<MinuteCounts>> SeriesAsync(NpgsqlConnection connection, SloDefinition slo, DateTimeOffset from, DateTimeOffset to,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var last = SloMath.MinuteOf(now);
        to = to > last ? last : to;
        if (to < from)
        {
            return [];
        }
        var minutesSince = now - CountRetention.Default.Minutes;
        var firstHour = CountSpans.Ceiling(CountSpans.Hour, from);
        var hours = await ReadAsync(connection, slo, CountSpans.Hour, from < minutesSince ? firstHour : CountSpans.Floor(CountSpans.Hour, from), to, cancellationToken);
        if (hours.Count == 0 || hours[0].Minute >= CountSpans.Ceiling(CountSpans.Hour, minutesSince))
        {
            return await ReadAsync(connection, slo, CountSpans.Minute, from, to, cancellationToken);
        }
        var series = new List<MinuteCounts>();
        if (from < minutesSince && slo.StartEdgeAt(now) is var (edgeFrom, edgeTo) && from <= edgeFrom && firstHour == edgeTo)
        {
            series.AddRange(await ReadAsync(connection, slo, CountSpans.Minute, edgeFrom, edgeTo - TimeSpan.FromMinutes(1), cancellationToken));
        }
        var lastHour = CountSpans.Floor(CountSpans.Hour, to);
        series.AddRange(hours.Where(h => h.Minute < lastHour));
        series.AddRange(lastHour >= minutesSince
            ? await ReadAsync(connection, slo, CountSpans.Minute, lastHour, to, cancellationToken)
            : hours.Where(h => h.Minute == lastHour));
        return series;
    }

    private static async Task<List<MinuteCounts>> ReadAsync(NpgsqlConnection connection, SloDefinition slo, short span, DateTimeOffset from, DateTimeOffset to,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT bucket, good, total, good_slices, slices FROM slo_counts
            WHERE slo_id = @id AND span = @span AND bucket >= @from AND bucket <= @to ORDER BY bucket
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<Guid>("id", slo.Id));
        command.Parameters.Add(new NpgsqlParameter<short>("span", span));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("from", from));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("to", to));
        var rows = new List<MinuteCounts>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var (good, total) = new WindowCounts(reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4)).By(slo.BudgetingMethod);
            rows.Add(new MinuteCounts(reader.GetFieldValue<DateTimeOffset>(0), good, total));
        }
        return rows;
    }
}
