using System.Data;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using Portal.Web.Data;
using Portal.Web.Features.Incidents;

namespace Portal.Web.Features.Delivery;

/// <summary>
/// Keeps <see cref="DeliveryDaily"/>, the per-component and per-organisation day rows the DORA figures of teams and the
/// organisation are summed from. Every stored event recomputes its component's days that the event can change (a
/// deployment: from <see cref="Horizon"/> (or the rollback window) before it to <see cref="Horizon"/> after it, at its old
/// and new time; a build: its days) from the stored events, and re-sums the organisation's rows of the days whose
/// component rows changed; so a retry changes nothing and a changed status or time moves its counts. Recomputing
/// everything is <see cref="RebuildAsync"/> (nightly, and on start when the rollup is empty). Definitions are
/// <see cref="DoraQuery"/>'s, with the times counted in <see cref="DoraHistogram"/>'s buckets.
/// </summary>
public static class DeliveryRollup
{
    /// <summary>The component ref of the organisation's rows (no component ref has this form).</summary>
    public const string Organisation = "*";

    /// <summary>
    /// How far a deployment reaches: a commit shipped within this time before counts no new lead time, and a failed change
    /// counts as restored when a success follows within this time (both <see cref="DoraQuery"/>'s definitions too).
    /// </summary>
    public static readonly TimeSpan Horizon = TimeSpan.FromDays(30);

    // One lock for all rollup writes: organisation rows are shared by every component (a few ms each; events are rare).
    private const long LockKey = 0x0de1_1ee2_2d0a;

    private const string Columns = "component_ref, day, deployments_succeeded, deployments_failed, rollbacks, deploy_minutes, deploys_timed, changes, "
        + "failed_changes, restores, restore_buckets, restore_counts, lead_time_commits, lead_buckets, lead_counts, builds_succeeded, builds_failed, builds_cancelled";

    // DoraHistogram.Bucket in SQL (seconds → bucket).
    private static string Bucket(string seconds) =>
        $"(CASE WHEN ({seconds}) < 60 THEN 0 ELSE least({DoraHistogram.LastBucket}, 1 + floor({DoraHistogram.PerDoubling} * ln(({seconds}) / 60.0) / ln(2.0)))::int END)";

    // The day rows of [@lo, @hi) from the stored events and incidents: DoraQuery.Changes grouped by component and day.
    private static readonly string Compute = DoraQuery.Changes + $$"""
        , dep AS (
          SELECT component_ref, day,
            count(*) FILTER (WHERE status = 'succeeded')::int AS succeeded,
            count(*) FILTER (WHERE status = 'failed')::int AS failed,
            count(*) FILTER (WHERE status = 'succeeded' AND rollback)::int AS rollbacks,
            coalesce(sum(extract(epoch FROM finished_at - started_at) / 60) FILTER (WHERE status = 'succeeded' AND started_at IS NOT NULL), 0)::float8 AS minutes,
            count(*) FILTER (WHERE status = 'succeeded' AND started_at IS NOT NULL)::int AS timed,
            count(*) FILTER (WHERE NOT rollback)::int AS changes,
            count(*) FILTER (WHERE failed_change)::int AS failed_changes,
            count(*) FILTER (WHERE failed_change AND restore IS NOT NULL)::int AS restores
          FROM p GROUP BY component_ref, day
        ), rb AS (
          SELECT component_ref, day, {{Bucket("extract(epoch FROM restore)::float8")}} AS b, count(*)::int AS n
          FROM p WHERE failed_change AND restore IS NOT NULL GROUP BY 1, 2, 3
        ), ra AS (
          SELECT component_ref, day, array_agg(b ORDER BY b) AS bs, array_agg(n ORDER BY b) AS ns FROM rb GROUP BY 1, 2
        ), lb AS (
          SELECT component_ref, (finished_at AT TIME ZONE 'UTC')::date AS day,
            {{Bucket("greatest(0, extract(epoch FROM finished_at - committed_at)::float8)")}} AS b, count(*)::int AS n
          FROM lt GROUP BY 1, 2, 3
        ), la AS (
          SELECT component_ref, day, sum(n)::int AS total, array_agg(b ORDER BY b) AS bs, array_agg(n ORDER BY b) AS ns FROM lb GROUP BY 1, 2
        ), bl AS (
          SELECT component_ref, (finished_at AT TIME ZONE 'UTC')::date AS day,
            count(*) FILTER (WHERE status = 'succeeded')::int AS succeeded,
            count(*) FILTER (WHERE status = 'failed')::int AS failed,
            count(*) FILTER (WHERE status = 'cancelled')::int AS cancelled
          FROM delivery_builds WHERE finished_at >= @lo AND finished_at < @hi /*x*/ GROUP BY 1, 2
        )
        SELECT coalesce(dep.component_ref, bl.component_ref), coalesce(dep.day, bl.day), coalesce(dep.succeeded, 0), coalesce(dep.failed, 0),
          coalesce(dep.rollbacks, 0), coalesce(dep.minutes, 0), coalesce(dep.timed, 0), coalesce(dep.changes, 0), coalesce(dep.failed_changes, 0),
          coalesce(dep.restores, 0), coalesce(ra.bs, '{}'), coalesce(ra.ns, '{}'), coalesce(la.total, 0), coalesce(la.bs, '{}'), coalesce(la.ns, '{}'),
          coalesce(bl.succeeded, 0), coalesce(bl.failed, 0), coalesce(bl.cancelled, 0)
        FROM dep FULL JOIN bl ON bl.component_ref = dep.component_ref AND bl.day = dep.day
        LEFT JOIN ra ON ra.component_ref = dep.component_ref AND ra.day = dep.day
        LEFT JOIN la ON la.component_ref = dep.component_ref AND la.day = dep.day
        """;

    // The organisation's rows of the given days (/*days*/: the filter, empty for a rebuild), summed from the components'.
    private const string SumOrganisation = """
        INSERT INTO delivery_daily (component_ref, day, deployments_succeeded, deployments_failed, rollbacks, deploy_minutes, deploys_timed, changes,
          failed_changes, restores, restore_buckets, restore_counts, lead_time_commits, lead_buckets, lead_counts, builds_succeeded, builds_failed, builds_cancelled)
        WITH r AS (
          SELECT * FROM delivery_daily WHERE component_ref <> '*' /*days*/
        ), s AS (
          SELECT day, sum(deployments_succeeded)::int AS a, sum(deployments_failed)::int AS b, sum(rollbacks)::int AS c, sum(deploy_minutes) AS d,
            sum(deploys_timed)::int AS e, sum(changes)::int AS f, sum(failed_changes)::int AS g, sum(restores)::int AS h, sum(lead_time_commits)::int AS i,
            sum(builds_succeeded)::int AS j, sum(builds_failed)::int AS k, sum(builds_cancelled)::int AS l
          FROM r GROUP BY day
        ), lb AS (
          SELECT day, u.b, sum(u.n)::int AS n FROM r, unnest(r.lead_buckets, r.lead_counts) AS u(b, n) GROUP BY day, u.b
        ), la AS (
          SELECT day, array_agg(b ORDER BY b) AS bs, array_agg(n ORDER BY b) AS ns FROM lb GROUP BY day
        ), rb AS (
          SELECT day, u.b, sum(u.n)::int AS n FROM r, unnest(r.restore_buckets, r.restore_counts) AS u(b, n) GROUP BY day, u.b
        ), ra AS (
          SELECT day, array_agg(b ORDER BY b) AS bs, array_agg(n ORDER BY b) AS ns FROM rb GROUP BY day
        )
        SELECT '*', s.day, a, b, c, d, e, f, g, h, coalesce(ra.bs, '{}'), coalesce(ra.ns, '{}'), i, coalesce(la.bs, '{}'), coalesce(la.ns, '{}'), j, k, l
        FROM s LEFT JOIN la ON la.day = s.day LEFT JOIN ra ON ra.day = s.day
        """;

    /// <summary>
    /// Brings the rollup up to date after one component's event was stored: <paramref name="before"/> and
    /// <paramref name="after"/> are the event's finish times before and after (null: none).
    /// </summary>
    public static async Task RefreshAsync(PortalDbContext db, DeliveryOptions options, string componentRef, DateTimeOffset? before,
        DateTimeOffset? after, bool isDeployment, CancellationToken ct)
    {
        var times = new[] { before, after }.Where(t => t is not null).Select(t => t!.Value).ToList();
        if (times.Count == 0)
        {
            return;
        }
        var reach = isDeployment ? DoraQuery.Reach(options) : TimeSpan.Zero;
        await RefreshDaysAsync(db, options, [componentRef], DateOnly.FromDateTime(times.Min().UtcDateTime - reach),
            DateOnly.FromDateTime(times.Max().UtcDateTime + (isDeployment ? Horizon : TimeSpan.Zero)), ct);
    }

    /// <summary>
    /// Brings the rollup up to date after incidents opened or were restored (component, opening time): each can fail (and
    /// restore) only the deployment finished within the rollback window before it opened. One recompute for all (an alert
    /// cycle opens many at once), over their components and the days from the earliest window to the latest opening.
    /// </summary>
    public static async Task RefreshForIncidentsAsync(PortalDbContext db, DeliveryOptions options, IReadOnlyCollection<(string ComponentRef, DateTimeOffset OpenedAt)> incidents,
        CancellationToken ct)
    {
        if (incidents.Count == 0)
        {
            return;
        }
        await RefreshDaysAsync(db, options, [.. incidents.Select(i => i.ComponentRef).Distinct(StringComparer.Ordinal)],
            DateOnly.FromDateTime(incidents.Min(i => i.OpenedAt).UtcDateTime - TimeSpan.FromHours(options.RollbackWindowHours)),
            DateOnly.FromDateTime(incidents.Max(i => i.OpenedAt).UtcDateTime), ct);
    }

    /// <summary>Recomputes the components' rows of the days [first, last] and re-sums the organisation's rows of the days that changed.</summary>
    private static async Task RefreshDaysAsync(PortalDbContext db, DeliveryOptions options, string[] componentRefs, DateOnly first, DateOnly last,
        CancellationToken ct)
    {
        // Read before the transaction: it runs on the same connection, outside EF.
        var incidents = await DoraQuery.IncidentsAsync(db, options, componentRefs, Start(first), Start(last.AddDays(1)), ct);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await InTransactionAsync(connection, async transaction =>
        {
            var old = await RowsAsync(connection, transaction, componentRefs, first, last, ct);
            await using (var delete = new NpgsqlCommand("DELETE FROM delivery_daily WHERE component_ref = ANY(@c) AND day >= @first AND day <= @last", connection, transaction))
            {
                delete.Parameters.Add(new NpgsqlParameter("c", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = componentRefs });
                delete.Parameters.AddWithValue("first", first);
                delete.Parameters.AddWithValue("last", last);
                await delete.ExecuteNonQueryAsync(ct);
            }
            await using (var insert = ComputeCommand(connection, transaction, options, componentRefs, first, last, incidents))
            {
                await insert.ExecuteNonQueryAsync(ct);
            }
            var now = await RowsAsync(connection, transaction, componentRefs, first, last, ct);
            var changed = old.Keys.Union(now.Keys).Where(key => !old.TryGetValue(key, out var o) || !now.TryGetValue(key, out var n) || o != n)
                .Select(key => key.Day).Distinct().ToArray();
            if (changed.Length > 0)
            {
                await SumOrganisationAsync(connection, transaction, changed, ct);
            }
        }, ct);
    }

    /// <summary>Recomputes every row from the stored events and incidents (after a settings change, a bulk load, or to repair).</summary>
    public static async Task RebuildAsync(PortalDbContext db, DeliveryOptions options, CancellationToken ct)
    {
        DateTimeOffset?[] firsts = [await db.DeliveryDeployments.MinAsync(d => d.FinishedAt, ct), await db.DeliveryBuilds.MinAsync(b => b.FinishedAt, ct)];
        DateTimeOffset?[] lasts = [await db.DeliveryDeployments.MaxAsync(d => d.FinishedAt, ct), await db.DeliveryBuilds.MaxAsync(b => b.FinishedAt, ct)];
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        if (firsts.Where(t => t is not null).Min() is not { } firstAt || lasts.Where(t => t is not null).Max() is not { } lastAt)
        {
            await InTransactionAsync(connection, async transaction =>
            {
                await using var delete = new NpgsqlCommand("DELETE FROM delivery_daily", connection, transaction);
                await delete.ExecuteNonQueryAsync(ct);
            }, ct);
            return;
        }
        var first = DateOnly.FromDateTime(firstAt.UtcDateTime);
        var last = DateOnly.FromDateTime(lastAt.UtcDateTime);
        var incidents = await DoraQuery.IncidentsAsync(db, options, null, Start(first), Start(last.AddDays(1)), ct);
        await InTransactionAsync(connection, async transaction =>
        {
            await using (var delete = new NpgsqlCommand("DELETE FROM delivery_daily", connection, transaction))
            {
                await delete.ExecuteNonQueryAsync(ct);
            }
            await using (var insert = ComputeCommand(connection, transaction, options, null, first, last, incidents))
            {
                await insert.ExecuteNonQueryAsync(ct);
            }
            await SumOrganisationAsync(connection, transaction, null, ct);
        }, ct);
    }

    private static DateTimeOffset Start(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>The summed rows of the given components (or <see cref="Organisation"/>) over the days [first, end).</summary>
    public static async Task<DoraTotals> TotalsAsync(NpgsqlConnection connection, IReadOnlyCollection<string> componentRefs, DateOnly first,
        DateOnly end, CancellationToken ct)
    {
        const string Where = "WHERE component_ref = ANY(@refs) AND day >= @first AND day < @end";
        await using var command = new NpgsqlCommand($"""
            SELECT coalesce(sum(deployments_succeeded), 0), coalesce(sum(deployments_failed), 0), sum(deploy_minutes), coalesce(sum(deploys_timed), 0),
              coalesce(sum(changes), 0), coalesce(sum(failed_changes), 0), coalesce(sum(restores), 0), coalesce(sum(lead_time_commits), 0),
              coalesce(sum(builds_succeeded), 0), coalesce(sum(builds_failed), 0)
            FROM delivery_daily {Where};
            SELECT 0, u.b, sum(u.n) FROM delivery_daily d, unnest(d.lead_buckets, d.lead_counts) AS u(b, n) {Where} GROUP BY u.b
            UNION ALL
            SELECT 1, u.b, sum(u.n) FROM delivery_daily d, unnest(d.restore_buckets, d.restore_counts) AS u(b, n) {Where} GROUP BY u.b
            """, connection);
        command.Parameters.Add(new NpgsqlParameter("refs", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = componentRefs.ToArray() });
        command.Parameters.AddWithValue("first", first);
        command.Parameters.AddWithValue("end", end);
        var opened = connection.State != ConnectionState.Open;
        if (opened)
        {
            await connection.OpenAsync(ct);
        }
        try
        {
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            long L(int i) => Convert.ToInt64(reader.GetValue(i), CultureInfo.InvariantCulture);
            var succeeded = L(0);
            var timed = L(3);
            double? meanMinutes = timed == 0 ? null : Convert.ToDouble(reader.GetValue(2), CultureInfo.InvariantCulture) / timed;
            var (changes, failedChanges, restores, leadCommits, buildsSucceeded, buildsFailed) = (L(4), L(5), L(6), L(7), L(8), L(9));
            var productionDeployments = succeeded + L(1);
            await reader.NextResultAsync(ct);
            var lead = new List<(int, long)>();
            var restore = new List<(int, long)>();
            while (await reader.ReadAsync(ct))
            {
                (reader.GetInt32(0) == 0 ? lead : restore).Add((reader.GetInt32(1), L(2)));
            }
            return new DoraTotals((int)succeeded, meanMinutes, (int)changes, (int)failedChanges, (int)restores, DoraHistogram.MedianSeconds(restore) / 3600,
                (int)leadCommits, DoraHistogram.MedianSeconds(lead) / 3600, (int)(buildsSucceeded + buildsFailed), (int)buildsSucceeded)
            { ProductionDeployments = (int)productionDeployments };
        }
        finally
        {
            if (opened)
            {
                await connection.CloseAsync();
            }
        }
    }

    private static NpgsqlCommand ComputeCommand(NpgsqlConnection connection, NpgsqlTransaction transaction, DeliveryOptions options,
        IReadOnlyCollection<string>? components, DateOnly first, DateOnly last, IReadOnlyList<OpenedIncident> incidents) =>
        DoraQuery.Command($"INSERT INTO delivery_daily ({Columns}) {Compute}", connection, transaction, options, components, Start(first),
            Start(last.AddDays(1)), incidents);

    private static async Task SumOrganisationAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, DateOnly[]? days, CancellationToken ct)
    {
        var filter = days is null ? "" : "AND day = ANY(@days)";
        await using var delete = new NpgsqlCommand($"DELETE FROM delivery_daily WHERE component_ref = '*' {filter}", connection, transaction);
        await using var insert = new NpgsqlCommand(SumOrganisation.Replace("/*days*/", filter, StringComparison.Ordinal), connection, transaction);
        if (days is not null)
        {
            delete.Parameters.Add(new NpgsqlParameter("days", NpgsqlDbType.Array | NpgsqlDbType.Date) { Value = days });
            insert.Parameters.Add(new NpgsqlParameter("days", NpgsqlDbType.Array | NpgsqlDbType.Date) { Value = days });
        }
        await delete.ExecuteNonQueryAsync(ct);
        await insert.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The components' rows of [first, last] as text, to see which days a refresh changed.</summary>
    private static async Task<Dictionary<(string Component, DateOnly Day), string>> RowsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        string[] componentRefs, DateOnly first, DateOnly last, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            "SELECT component_ref, day, r::text FROM delivery_daily r WHERE component_ref = ANY(@c) AND day >= @first AND day <= @last", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter("c", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = componentRefs });
        command.Parameters.AddWithValue("first", first);
        command.Parameters.AddWithValue("last", last);
        var rows = new Dictionary<(string Component, DateOnly Day), string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows[(reader.GetString(0), reader.GetFieldValue<DateOnly>(1))] = reader.GetString(2);
        }
        return rows;
    }

    private static async Task InTransactionAsync(NpgsqlConnection connection, Func<NpgsqlTransaction, Task> work, CancellationToken ct)
    {
        var opened = connection.State != ConnectionState.Open;
        if (opened)
        {
            await connection.OpenAsync(ct);
        }
        try
        {
            await using var transaction = await connection.BeginTransactionAsync(ct);
            // JIT compiling these plans costs more than running them (as for DoraQuery).
            await using (var setup = new NpgsqlCommand("SELECT set_config('jit', 'off', true), set_config('work_mem', '64MB', true), pg_advisory_xact_lock(@key)",
                connection, transaction))
            {
                setup.Parameters.AddWithValue("key", LockKey);
                await setup.ExecuteNonQueryAsync(ct);
            }
            await work(transaction);
            await transaction.CommitAsync(ct);
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
