using System.Data;
using Npgsql;
using NpgsqlTypes;

namespace Portal.Web.Features.Delivery;

/// <summary>
/// The DORA figures aggregated in PostgreSQL (window functions and ordered-set aggregates), so a year of an
/// organisation's deployments is never read into the portal. The definitions are <see cref="DoraMath"/>'s, as
/// docs/delivery.md states them.
/// </summary>
public static class DoraQuery
{
    // /*x*/ and /*x.*/ stand for the component filter (unqualified and on alias x); left empty for the organisation.
    private const string Sql = """
        WITH d AS (
          SELECT component_ref, started_at, finished_at, status, rollback,
            lead(rollback) OVER asc_w AS next_rollback,
            lead(coalesce(started_at, finished_at)) OVER asc_w AS next_start,
            min(finished_at) FILTER (WHERE status = 'succeeded') OVER (PARTITION BY component_ref COLLATE "C"
              ORDER BY finished_at DESC, coalesce(started_at, finished_at) DESC ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS next_success
          FROM delivery_deployments
          WHERE environment = ANY(@prod) AND finished_at >= @start AND finished_at < @end AND status IN ('succeeded', 'failed') /*x*/
          WINDOW asc_w AS (PARTITION BY component_ref COLLATE "C" ORDER BY finished_at, coalesce(started_at, finished_at))
        ), p AS (
          SELECT *, NOT rollback AND (status = 'failed'
            OR coalesce(next_rollback AND next_start - finished_at <= @window, false)) AS failed_change
          FROM d WHERE finished_at >= @from AND finished_at < @to
        ), lt AS (
          SELECT x.finished_at, (c.value->>'committedAt')::timestamptz AS committed_at,
            lag(x.finished_at) OVER (PARTITION BY x.component_ref COLLATE "C", (c.value->>'sha') COLLATE "C"
              ORDER BY x.finished_at, coalesce(x.started_at, x.finished_at)) AS previous
          FROM delivery_deployments x CROSS JOIN LATERAL jsonb_array_elements(x.commits) c
          WHERE x.environment = ANY(@prod) AND x.status = 'succeeded' AND NOT x.rollback AND x.finished_at >= @start AND x.finished_at < @to /*x.*/
        )
        -- Sorting by the "C" collation: only equality matters here, and the locale's rules cost a multiple of it.
        SELECT
          (SELECT count(*) FROM p WHERE status = 'succeeded'),
          (SELECT avg(extract(epoch FROM finished_at - started_at) / 60) FROM p WHERE status = 'succeeded' AND started_at IS NOT NULL),
          (SELECT count(*) FROM p WHERE NOT rollback),
          (SELECT count(*) FROM p WHERE failed_change),
          (SELECT count(*) FROM p WHERE failed_change AND next_success > finished_at AND next_success - finished_at <= @lookahead),
          (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM next_success - finished_at) / 3600)
             FROM p WHERE failed_change AND next_success > finished_at AND next_success - finished_at <= @lookahead),
          (SELECT count(*) FROM lt WHERE finished_at >= @from AND committed_at IS NOT NULL AND (previous IS NULL OR finished_at - previous > @lookback)),
          (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY greatest(0, extract(epoch FROM finished_at - committed_at) / 3600))
             FROM lt WHERE finished_at >= @from AND committed_at IS NOT NULL AND (previous IS NULL OR finished_at - previous > @lookback)),
          (SELECT count(*) FROM delivery_builds WHERE finished_at >= @from AND finished_at < @to AND status IN ('succeeded', 'failed') /*x*/),
          (SELECT count(*) FROM delivery_builds WHERE finished_at >= @from AND finished_at < @to AND status = 'succeeded' /*x*/)
        """;

    /// <summary>
    /// The figures of the given components (null: every component) over [from, to). A commit shipped within
    /// <paramref name="lookback"/> before a deployment brings no new lead time, and a failed change is restored by a
    /// success within <paramref name="lookahead"/> (<see cref="DeliveryRollup.Horizon"/> for both, so the per-day rollup
    /// counts the same).
    /// </summary>
    public static async Task<DoraTotals> TotalsAsync(NpgsqlConnection connection, IReadOnlyCollection<string> productionEnvironments,
        IReadOnlyCollection<string>? components, DateTimeOffset from, DateTimeOffset to, TimeSpan rollbackWindow, TimeSpan lookback,
        TimeSpan lookahead, CancellationToken ct)
    {
        var sql = components is null ? Sql : Sql.Replace("/*x*/", "AND component_ref = ANY(@components)", StringComparison.Ordinal)
            .Replace("/*x.*/", "AND x.component_ref = ANY(@components)", StringComparison.Ordinal);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter("prod", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = productionEnvironments.ToArray() });
        if (components is not null)
        {
            command.Parameters.Add(new NpgsqlParameter("components", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = components.ToArray() });
        }
        command.Parameters.Add(new NpgsqlParameter("from", NpgsqlDbType.TimestampTz) { Value = from.UtcDateTime });
        command.Parameters.Add(new NpgsqlParameter("to", NpgsqlDbType.TimestampTz) { Value = to.UtcDateTime });
        command.Parameters.Add(new NpgsqlParameter("start", NpgsqlDbType.TimestampTz) { Value = (from - lookback).UtcDateTime });
        command.Parameters.Add(new NpgsqlParameter("end", NpgsqlDbType.TimestampTz) { Value = (to + lookahead).UtcDateTime });
        command.Parameters.Add(new NpgsqlParameter("window", NpgsqlDbType.Interval) { Value = rollbackWindow });
        command.Parameters.Add(new NpgsqlParameter("lookback", NpgsqlDbType.Interval) { Value = lookback });
        command.Parameters.Add(new NpgsqlParameter("lookahead", NpgsqlDbType.Interval) { Value = lookahead });
        var opened = connection.State != ConnectionState.Open;
        if (opened)
        {
            await connection.OpenAsync(ct);
        }
        try
        {
            // JIT compiling this plan costs about a second and saves nothing at these sizes (measured: 1.2 of 1.4 s at
            // 100,000 deployments); the sorts stay in memory instead of spilling. Both only for this transaction.
            await using var transaction = await connection.BeginTransactionAsync(ct);
            await using (var settings = new NpgsqlCommand("SELECT set_config('jit', 'off', true), set_config('work_mem', '64MB', true)", connection))
            {
                await settings.ExecuteNonQueryAsync(ct);
            }
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            double? Number(int i) => reader.IsDBNull(i) ? null : Convert.ToDouble(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture);
            int Count(int i) => (int)reader.GetInt64(i);
            return new DoraTotals(Count(0), Number(1), Count(2), Count(3), Count(4), Number(5), Count(6), Number(7), Count(8), Count(9));
        }
        finally
        {
            if (opened)
            {
                await connection.CloseAsync();
            }
        }
    }
}

/// <summary>What <see cref="DoraQuery"/> counts; <see cref="DoraMath.Figures"/> turns it into rates and bands.</summary>
public sealed record DoraTotals(int SuccessfulDeployments, double? MeanDeployMinutes, int Changes, int FailedChanges, int Restores,
    double? MedianRestoreHours, int LeadTimeCommits, double? MedianLeadTimeHours, int BuildsFinished, int BuildsSucceeded)
{
    /// <summary>Succeeded and failed production deployments (known from the rollup; decides whether exact medians are affordable).</summary>
    public int ProductionDeployments { get; init; }
}
