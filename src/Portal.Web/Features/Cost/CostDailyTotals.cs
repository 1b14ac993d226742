using System.Runtime.InteropServices;
using Npgsql;
using NpgsqlTypes;
using Portal.Web.Data;

namespace Portal.Web.Features.Cost;

/// <summary>
/// The daily rollup (<see cref="CostDaily"/>) of one import, summed while its rows are read, so the import does not scan its
/// rows a second time (that GROUP BY was a third of a 1 M-row import). Grouped exactly as <see cref="RollupSelect"/> groups in
/// SQL. When the sums could differ from PostgreSQL's exact numeric (a decimal sum needing more than 28 digits) or the groups
/// exceed <see cref="MaxGroups"/> (memory stays bounded), it gives up and the importer runs <see cref="RollupSelect"/> instead.
/// </summary>
public sealed class CostDailyTotals(int maxGroups = CostDailyTotals.MaxGroups)
{
    /// <summary>About 60 MB of keys and sums at most; a typical month of an organisation's export has a few thousand groups a day at most.</summary>
    public const int MaxGroups = 100_000;

    public const string Columns = "day, billing_account_id, billing_period_start, billing_currency, team, component, environment, " +
        "provider_name, service_category, service_name, region_id, sub_account_id, billed_cost, effective_cost, rows, last_charge_end";

    /// <summary>The same rollup in SQL over the line items <paramref name="where"/> selects (a WHERE clause or empty).</summary>
    public static string RollupSelect(string where) => $"""
        INSERT INTO cost_daily ({Columns})
        SELECT date_trunc('day', charge_period_start AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', billing_account_id, billing_period_start, billing_currency,
               team, component, environment, provider_name, service_category, service_name, region_id, sub_account_id,
               sum(billed_cost), sum(effective_cost), count(*), max(charge_period_end)
        FROM cost_line_items {where}
        GROUP BY 1, billing_account_id, billing_period_start, billing_currency, team, component, environment,
                 provider_name, service_category, service_name, region_id, sub_account_id
        """;

    private const long PostgresEpochTicks = 630_822_816_000_000_000; // 2000-01-01, PostgreSQL's timestamp origin

    private readonly Dictionary<Key, Sums> groups = [];

    /// <summary>Whether these totals cannot stand for the SQL rollup (too many groups, or a sum that decimal cannot hold exactly).</summary>
    public bool GaveUp { get; private set; }

    public int Count => groups.Count;

    public void Add(FocusRow row, Attribution who)
    {
        if (GaveUp)
        {
            return;
        }
        var key = new Key(Day(row.ChargePeriodStart), row.BillingAccountId, Microseconds(row.BillingPeriodStart), row.BillingCurrency, who.Team, who.Component,
            who.Environment, row.ProviderName, row.ServiceCategory, row.ServiceName, row.RegionId, row.SubAccountId);
        ref var sums = ref CollectionsMarshal.GetValueRefOrAddDefault(groups, key, out var existed);
        var end = Microseconds(row.ChargePeriodEnd);
        if (!existed)
        {
            if (groups.Count > maxGroups)
            {
                Abandon();
                return;
            }
            sums = new Sums(row.BilledCost, row.EffectiveCost, 1, end);
            return;
        }
        if (!TryAdd(sums.Billed, row.BilledCost, out var billed) || !TryAdd(sums.Effective, row.EffectiveCost, out var effective))
        {
            Abandon();
            return;
        }
        sums = new Sums(billed, effective, sums.Rows + 1, end > sums.LastEnd ? end : sums.LastEnd);
    }

    /// <summary>The groups as <see cref="CostDaily"/> rows (tests compare them with the SQL rollup).</summary>
    public IEnumerable<CostDaily> Rows() => groups.Select(g => new CostDaily
    {
        Day = g.Key.Day, BillingAccountId = g.Key.Account, BillingPeriodStart = g.Key.Period, BillingCurrency = g.Key.Currency, Team = g.Key.Team,
        Component = g.Key.Component, Environment = g.Key.Environment, ProviderName = g.Key.Provider, ServiceCategory = g.Key.Category,
        ServiceName = g.Key.Service, RegionId = g.Key.Region, SubAccountId = g.Key.SubAccount, BilledCost = g.Value.Billed,
        EffectiveCost = g.Value.Effective, Rows = g.Value.Rows, LastChargeEnd = g.Value.LastEnd,
    });

    /// <summary>Writes the groups into <c>cost_daily</c> with one binary COPY (the caller has deleted what they replace).</summary>
    public async Task WriteAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        if (GaveUp)
        {
            throw new InvalidOperationException("These totals gave up; run the SQL rollup instead.");
        }
        await using var copy = await connection.BeginBinaryImportAsync($"COPY cost_daily ({Columns}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var (k, s) in groups)
        {
            await copy.StartRowAsync(cancellationToken);
            await copy.WriteAsync(k.Day, NpgsqlDbType.TimestampTz, cancellationToken);
            await copy.WriteAsync(k.Account, NpgsqlDbType.Text, cancellationToken);
            await copy.WriteAsync(k.Period, NpgsqlDbType.TimestampTz, cancellationToken);
            await copy.WriteAsync(k.Currency, NpgsqlDbType.Text, cancellationToken);
            await copy.WriteNullableAsync(k.Team, cancellationToken);
            await copy.WriteNullableAsync(k.Component, cancellationToken);
            await copy.WriteNullableAsync(k.Environment, cancellationToken);
            await copy.WriteAsync(k.Provider, NpgsqlDbType.Text, cancellationToken);
            await copy.WriteAsync(k.Category, NpgsqlDbType.Text, cancellationToken);
            await copy.WriteAsync(k.Service, NpgsqlDbType.Text, cancellationToken);
            await copy.WriteNullableAsync(k.Region, cancellationToken);
            await copy.WriteNullableAsync(k.SubAccount, cancellationToken);
            await copy.WriteAsync(s.Billed, NpgsqlDbType.Numeric, cancellationToken);
            await copy.WriteAsync(s.Effective, NpgsqlDbType.Numeric, cancellationToken);
            await copy.WriteAsync(s.Rows, NpgsqlDbType.Bigint, cancellationToken);
            await copy.WriteAsync(s.LastEnd, NpgsqlDbType.TimestampTz, cancellationToken);
        }
        await copy.CompleteAsync(cancellationToken);
    }

    /// <summary>
    /// Decimal addition keeps the larger scale of its operands unless the result needs more than 28 digits, when it rounds
    /// silently: a smaller scale (or an overflow) means the sum is no longer PostgreSQL's exact one.
    /// </summary>
    public static bool TryAdd(decimal a, decimal b, out decimal sum)
    {
        try
        {
            sum = a + b;
        }
        catch (OverflowException)
        {
            sum = 0;
            return false;
        }
        return sum.Scale >= Math.Max(a.Scale, b.Scale);
    }

    private void Abandon()
    {
        GaveUp = true;
        groups.Clear();
        groups.TrimExcess();
    }

    /// <summary>date_trunc('day', t AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'.</summary>
    private static DateTime Day(DateTime t) => DateTime.SpecifyKind(t.Date, DateTimeKind.Utc);

    /// <summary>The timestamp as PostgreSQL stores it: Npgsql drops the ticks below a microsecond (toward 2000-01-01).</summary>
    private static DateTime Microseconds(DateTime t) => new(t.Ticks - (t.Ticks - PostgresEpochTicks) % 10, DateTimeKind.Utc);

    private readonly record struct Key(DateTime Day, string Account, DateTime Period, string Currency, string? Team, string? Component, string? Environment,
        string Provider, string Category, string Service, string? Region, string? SubAccount);

    private readonly record struct Sums(decimal Billed, decimal Effective, long Rows, DateTime LastEnd);
}
