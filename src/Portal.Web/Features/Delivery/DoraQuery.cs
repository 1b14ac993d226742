using System.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using Portal.Web.Data;
using Portal.Web.Features.Incidents;

namespace Portal.Web.Features.Delivery;

/// <summary>
/// The DORA figures aggregated in PostgreSQL (window functions and ordered-set aggregates), so a year of an
/// organisation's deployments is never read into the portal. <see cref="Changes"/> states the definitions once, for
/// this exact query and for <see cref="DeliveryRollup"/>'s per-day rows; docs/delivery.md states them in words.
/// </summary>
public static class DoraQuery
{
    /// <summary>
    /// The production deployments finished in [@lo, @hi) with what became of each (p), and the commits of successful
    /// non-rollback production deployments finished there that first reached production (lt), from the stored events and
    /// the incidents passed in (@incident_components, @incident_opened, @incident_restored). Parameters: @prod, @lo, @hi,
    /// @ahead (<see cref="Reach"/>), @horizon (<see cref="DeliveryRollup.Horizon"/>), @window (the rollback window), and
    /// @components when /*x*/ and /*x.*/ (the component filter, unqualified and on alias x) are replaced.
    /// <list type="bullet">
    /// <item>A change (not a rollback) failed when it failed, when the next deployment of its component is a rollback
    /// starting within the window, or when an incident of its component opened within the window after it finished and
    /// before the next deployment finished (the incident is the live deployment's).</item>
    /// <item>Its restore: with such an incident, from the first one's opening to its mitigation; else to the next
    /// successful deployment's end. Either counts within the horizon.</item>
    /// </list>
    /// </summary>
    internal const string Changes = """
        WITH d AS (
          SELECT id, component_ref, started_at, finished_at, status, rollback,
            lead(rollback) OVER w AS next_rollback,
            lead(coalesce(started_at, finished_at)) OVER w AS next_start,
            lead(finished_at) OVER w AS next_finish,
            min(finished_at) FILTER (WHERE status = 'succeeded') OVER (PARTITION BY component_ref COLLATE "C"
              ORDER BY finished_at DESC, coalesce(started_at, finished_at) DESC ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS next_success
          FROM delivery_deployments
          WHERE environment = ANY(@prod) AND finished_at >= @lo AND finished_at < @hi + @ahead AND status IN ('succeeded', 'failed') /*x*/
          WINDOW w AS (PARTITION BY component_ref COLLATE "C" ORDER BY finished_at, coalesce(started_at, finished_at))
        ), i AS (
          SELECT * FROM unnest(@incident_components::text[], @incident_opened::timestamptz[], @incident_restored::timestamptz[]) AS i(component_ref, opened_at, restored_at)
        ), di AS (
          SELECT DISTINCT ON (d.id) d.id, i.opened_at, i.restored_at
          FROM d JOIN i ON i.component_ref = d.component_ref AND i.opened_at >= d.finished_at AND i.opened_at < d.finished_at + @window
            AND (d.next_finish IS NULL OR i.opened_at < d.next_finish)
          WHERE d.finished_at < @hi AND NOT d.rollback
          ORDER BY d.id, i.opened_at
        ), p AS (
          SELECT d.component_ref, (d.finished_at AT TIME ZONE 'UTC')::date AS day, d.status, d.rollback, d.started_at, d.finished_at,
            NOT d.rollback AND (d.status = 'failed' OR di.id IS NOT NULL
              OR coalesce(d.next_rollback AND d.next_start - d.finished_at <= @window, false)) AS failed_change,
            CASE WHEN di.id IS NOT NULL THEN CASE WHEN di.restored_at - di.opened_at <= @horizon THEN di.restored_at - di.opened_at END
              WHEN d.next_success > d.finished_at AND d.next_success - d.finished_at <= @horizon THEN d.next_success - d.finished_at END AS restore
          FROM d LEFT JOIN di ON di.id = d.id
          WHERE d.finished_at < @hi
        ), c AS (
          SELECT x.component_ref, x.finished_at, (c.value->>'committedAt')::timestamptz AS committed_at,
            lag(x.finished_at) OVER (PARTITION BY x.component_ref COLLATE "C", (c.value->>'sha') COLLATE "C"
              ORDER BY x.finished_at, coalesce(x.started_at, x.finished_at)) AS previous
          FROM delivery_deployments x CROSS JOIN LATERAL jsonb_array_elements(x.commits) c
          WHERE x.environment = ANY(@prod) AND x.status = 'succeeded' AND NOT x.rollback AND x.finished_at >= @lo - @horizon AND x.finished_at < @hi /*x.*/
        ), lt AS (
          SELECT component_ref, finished_at, committed_at FROM c
          WHERE finished_at >= @lo AND committed_at IS NOT NULL AND (previous IS NULL OR finished_at - previous > @horizon)
        )
        """;

    // Sorting by the "C" collation (in Changes): only equality matters there, and the locale's rules cost a multiple of it.
    private const string Totals = Changes + """
        SELECT
          (SELECT count(*) FROM p WHERE status = 'succeeded'),
          (SELECT avg(extract(epoch FROM finished_at - started_at) / 60) FROM p WHERE status = 'succeeded' AND started_at IS NOT NULL),
          (SELECT count(*) FROM p WHERE NOT rollback),
          (SELECT count(*) FROM p WHERE failed_change),
          (SELECT count(*) FROM p WHERE failed_change AND restore IS NOT NULL),
          (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM restore) / 3600) FROM p WHERE failed_change AND restore IS NOT NULL),
          (SELECT count(*) FROM lt),
          (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY greatest(0, extract(epoch FROM finished_at - committed_at) / 3600)) FROM lt),
          (SELECT count(*) FROM delivery_builds WHERE finished_at >= @lo AND finished_at < @hi AND status IN ('succeeded', 'failed') /*x*/),
          (SELECT count(*) FROM delivery_builds WHERE finished_at >= @lo AND finished_at < @hi AND status = 'succeeded' /*x*/)
        """;

    /// <summary>How far after a deployment its fate is decided: the rollback window or the restore horizon, the longer.</summary>
    internal static TimeSpan Reach(DeliveryOptions options) =>
        TimeSpan.FromHours(options.RollbackWindowHours) > DeliveryRollup.Horizon ? TimeSpan.FromHours(options.RollbackWindowHours) : DeliveryRollup.Horizon;

    /// <summary>The incidents that can fail a deployment finished in [lo, hi): opened from lo to a rollback window after hi.</summary>
    internal static Task<IReadOnlyList<OpenedIncident>> IncidentsAsync(PortalDbContext db, DeliveryOptions options, IReadOnlyCollection<string>? components,
        DateTimeOffset lo, DateTimeOffset hi, CancellationToken ct) =>
        IncidentReads.OpenedAsync(db, components, lo, hi + TimeSpan.FromHours(options.RollbackWindowHours), ct);

    /// <summary>A command of <paramref name="sql"/> (which starts with <see cref="Changes"/>) with its parameters for [lo, hi).</summary>
    internal static NpgsqlCommand Command(string sql, NpgsqlConnection connection, NpgsqlTransaction? transaction, DeliveryOptions options,
        IReadOnlyCollection<string>? components, DateTimeOffset lo, DateTimeOffset hi, IReadOnlyList<OpenedIncident> incidents)
    {
        if (components is not null)
        {
            sql = sql.Replace("/*x*/", "AND component_ref = ANY(@components)", StringComparison.Ordinal)
                .Replace("/*x.*/", "AND x.component_ref = ANY(@components)", StringComparison.Ordinal);
        }
        var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter("prod", NpgsqlDbType.Array | NpgsqlDbType.Text)
        {
            Value = options.ProductionEnvironments.Select(e => e.ToLowerInvariant()).Distinct().ToArray(),
        });
        if (components is not null)
        {
            command.Parameters.Add(new NpgsqlParameter("components", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = components.ToArray() });
        }
        command.Parameters.Add(new NpgsqlParameter("lo", NpgsqlDbType.TimestampTz) { Value = lo.UtcDateTime });
        command.Parameters.Add(new NpgsqlParameter("hi", NpgsqlDbType.TimestampTz) { Value = hi.UtcDateTime });
        command.Parameters.Add(new NpgsqlParameter("ahead", NpgsqlDbType.Interval) { Value = Reach(options) });
        command.Parameters.Add(new NpgsqlParameter("horizon", NpgsqlDbType.Interval) { Value = DeliveryRollup.Horizon });
        command.Parameters.Add(new NpgsqlParameter("window", NpgsqlDbType.Interval) { Value = TimeSpan.FromHours(options.RollbackWindowHours) });
        command.Parameters.Add(new NpgsqlParameter("incident_components", NpgsqlDbType.Array | NpgsqlDbType.Text)
        {
            Value = incidents.Select(i => i.ComponentRef).ToArray(),
        });
        command.Parameters.Add(new NpgsqlParameter("incident_opened", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz)
        {
            Value = incidents.Select(i => i.OpenedAt.UtcDateTime).ToArray(),
        });
        command.Parameters.Add(new NpgsqlParameter("incident_restored", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz)
        {
            Value = incidents.Select(i => i.RestoredAt?.UtcDateTime).ToArray(),
        });
        return command;
    }

    /// <summary>
    /// The figures of the given components (null: every component) over [from, to), with their incidents
    /// (<see cref="IncidentReads.OpenedAsync"/>).
    /// </summary>
    public static async Task<DoraTotals> TotalsAsync(PortalDbContext db, DeliveryOptions options, IReadOnlyCollection<string>? components,
        DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var incidents = await IncidentsAsync(db, options, components, from, to, ct);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
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
            await using (var settings = new NpgsqlCommand("SELECT set_config('jit', 'off', true), set_config('work_mem', '64MB', true)", connection, transaction))
            {
                await settings.ExecuteNonQueryAsync(ct);
            }
            await using var command = Command(Totals, connection, transaction, options, components, from, to, incidents);
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
