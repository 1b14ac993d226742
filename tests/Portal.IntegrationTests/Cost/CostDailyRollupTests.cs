using System.Text;
using Npgsql;
using Portal.TestSupport;
using Portal.Web.Features.Cost;
using Portal.Web.Features.Identity;

namespace Portal.IntegrationTests.Cost;

/// <summary>
/// The import sums its daily rollup while reading instead of grouping its rows again in SQL. Whatever path it takes, the
/// rollup must equal a GROUP BY over the line items in PostgreSQL, computed here, after a first import, after a re-import
/// that replaces one of its periods and adds another, and when the sums need more digits than decimal has.
/// </summary>
public sealed class CostDailyRollupTests
{
    private static readonly DateTime September = new(2026, 9, 1, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task The_daily_totals_summed_while_reading_equal_a_group_by_over_the_imported_rows_also_after_an_overlapping_reimport()
    {
        await using var factory = new PortalAppFactory();
        await factory.SeedDemoAsync(); // catalog teams, so rows are attributed to some teams and not others
        await using var db = await factory.DbAsync();

        // Two accounts over September and October, four teams' tags (two unknown to the catalog), nulls, EUR and USD, costs of mixed scale.
        var first = Rows(September, 61 * 24, seed: 1, "acct-a", "acct-b");
        var imported = await ImportAsync(db, first, "first.csv");
        Assert.Equal(("succeeded", first.Count), (imported.Status, imported.Rows));
        await AssertRollupEqualsGroupByAsync(factory.ConnectionString);

        // acct-a's October again with other rows, and its November for the first time: October is replaced, September kept.
        var second = Rows(September.AddMonths(1), 61 * 24, seed: 2, "acct-a");
        var reimported = await ImportAsync(db, second, "second.csv");
        Assert.Equal("succeeded", reimported.Status);
        Assert.Equal(first.Count(r => r.BillingAccountId == "acct-a" && r.BillingPeriodStart == September.AddMonths(1)), reimported.ReplacedRows);
        await AssertRollupEqualsGroupByAsync(factory.ConnectionString);

        // The totals this import summed in memory, compared with PostgreSQL's GROUP BY over exactly its rows.
        var catalog = await CostImporter.CatalogNamesAsync(db, default);
        var rules = await CostRules.LoadAsync(db, new CostAttributionOptions(), default);
        var totals = new CostDailyTotals();
        using (var text = new StringReader(Csv(second)))
        {
            var reader = FocusCsvReader.OpenDetailed(text).Reader!;
            while (reader.Read() is { Row: { } row })
            {
                totals.Add(row, CostRules.Apply(new ChargeFacts(row.AttributionTags, row.AttributionResourceId, row.SubAccountId, row.ServiceName), rules, catalog));
            }
        }
        Assert.False(totals.GaveUp);
        var inMemory = totals.Rows().Select(d => new Group(d.Day, d.BillingAccountId, d.BillingPeriodStart, d.BillingCurrency, d.Team, d.Component,
            d.Environment, d.ProviderName, d.ServiceCategory, d.ServiceName, d.RegionId, d.SubAccountId, d.BilledCost, d.EffectiveCost, d.Rows, d.LastChargeEnd))
            .OrderBy(g => g.SortKey, StringComparer.Ordinal).ToList();
        var grouped = await GroupByAsync(factory.ConnectionString, reimported.Id);
        Assert.True(grouped.Count > 100, $"only {grouped.Count} groups: the data does not exercise the grouping");
        Assert.Contains(grouped, g => g.Team is not null);
        Assert.Contains(grouped, g => g.Team is null);
        Assert.Equal(grouped, inMemory);

        // "The newest data" now comes from the rollup: it must be the line items' newest charge end.
        Assert.Equal(await PostgresProbe.ScalarAsync(factory.ConnectionString, "SELECT max(charge_period_end) FROM cost_line_items"),
            await CostQueries.NewestChargeEndAsync(db, default));
    }

    [Fact]
    public async Task Sums_that_need_more_digits_than_decimal_has_are_rolled_up_by_PostgreSQL_exactly()
    {
        await using var factory = new PortalAppFactory();
        await using var db = await factory.DbAsync();
        // Twelve rows of one group at 27 decimals: their sum needs 29 digits, which decimal would round.
        const decimal Precise = 7.123456789012345678901234567m;
        var rows = Enumerable.Range(0, 12).Select(i => FocusCsvWriter.Usage(September.AddHours(i), Precise, "AWS", "Amazon S3", "Storage", "eu-west-1", "bucket",
            new Dictionary<string, string>())).ToList();
        var imported = await ImportAsync(db, rows, "precise.csv");
        Assert.Equal(("succeeded", 12), (imported.Status, imported.Rows));
        await AssertRollupEqualsGroupByAsync(factory.ConnectionString);
        Assert.Equal("85.481481468148148146814814804",
            (await PostgresProbe.ScalarAsync(factory.ConnectionString, "SELECT billed_cost::text FROM cost_daily")) as string);
    }

    private static async Task<CostImport> ImportAsync(Portal.Web.Data.PortalDbContext db, List<FocusRow> rows, string name) =>
        await CostImporter.ImportAsync(db, new MemoryStream(Encoding.UTF8.GetBytes(Csv(rows))), name, AuditActor.System, new CostAttributionOptions(),
            TimeProvider.System, default);

    private static string Csv(List<FocusRow> rows)
    {
        using var text = new StringWriter();
        FocusCsvWriter.WriteHeader(text);
        foreach (var row in rows)
        {
            FocusCsvWriter.WriteRow(text, row);
        }
        return text.ToString();
    }

    /// <summary>One row per hour and account over <paramref name="hours"/> hours from <paramref name="start"/>.</summary>
    private static List<FocusRow> Rows(DateTime start, int hours, int seed, params string[] accounts)
    {
        var random = new Random(seed);
        string?[] teams = ["payments", "platform", "no-such-team", null];
        string?[] regions = ["eu-west-1", "us-east-1", null];
        decimal[] costs = [0.5m, 0.123456789m, 12m, 3.10m, 0.000001m];
        var rows = new List<FocusRow>();
        for (var h = 0; h < hours; h++)
        {
            foreach (var account in accounts)
            {
#pragma warning disable CA5394 // test data, not security
                var team = teams[random.Next(teams.Length)];
                var tags = team is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["team"] = team, ["env"] = random.Next(2) == 0 ? "prod" : "dev" };
                var row = FocusCsvWriter.Usage(start.AddHours(h), costs[random.Next(costs.Length)] * (1 + random.Next(3)), random.Next(2) == 0 ? "AWS" : "Microsoft",
                    random.Next(2) == 0 ? "Compute service" : "Storage service", random.Next(2) == 0 ? "Compute" : "Storage", "x", $"res-{random.Next(5)}", tags, account,
                    random.Next(3) == 0 ? null : $"sub-{random.Next(2)}") with { RegionId = regions[random.Next(regions.Length)], BillingCurrency = account == "acct-b" ? "EUR" : "USD" };
#pragma warning restore CA5394
                rows.Add(row);
            }
        }
        return rows;
    }

    /// <summary>cost_daily and the line items grouped by day and the rollup's dimensions must hold the same rows, none more, none fewer.</summary>
    private static async Task AssertRollupEqualsGroupByAsync(string connectionString)
    {
        const string Sql = """
            WITH expected AS (
                SELECT (charge_period_start AT TIME ZONE 'UTC')::date AS day, billing_account_id, billing_period_start, billing_currency, team, component,
                       environment, provider_name, service_category, service_name, region_id, sub_account_id,
                       sum(billed_cost) AS billed, sum(effective_cost) AS effective, count(*) AS n, max(charge_period_end) AS last
                FROM cost_line_items
                GROUP BY (charge_period_start AT TIME ZONE 'UTC')::date, billing_account_id, billing_period_start, billing_currency, team, component,
                         environment, provider_name, service_category, service_name, region_id, sub_account_id),
            actual AS (
                SELECT (day AT TIME ZONE 'UTC')::date, billing_account_id, billing_period_start, billing_currency, team, component, environment,
                       provider_name, service_category, service_name, region_id, sub_account_id, billed_cost, effective_cost, rows, last_charge_end
                FROM cost_daily)
            SELECT (SELECT count(*) FROM (SELECT * FROM expected EXCEPT ALL SELECT * FROM actual) AS missing),
                   (SELECT count(*) FROM (SELECT * FROM actual EXCEPT ALL SELECT * FROM expected) AS extra),
                   (SELECT count(*) FROM expected)
            """;
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(Sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal((0L, 0L), (reader.GetInt64(0), reader.GetInt64(1)));
        Assert.True(reader.GetInt64(2) > 0);
    }

    private static async Task<List<Group>> GroupByAsync(string connectionString, Guid importId)
    {
        const string Sql = """
            SELECT date_trunc('day', charge_period_start, 'UTC'), billing_account_id, billing_period_start, billing_currency, team, component, environment,
                   provider_name, service_category, service_name, region_id, sub_account_id, sum(billed_cost), sum(effective_cost), count(*), max(charge_period_end)
            FROM cost_line_items WHERE import_id = @id
            GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12
            """;
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(Sql, connection);
        command.Parameters.AddWithValue("id", importId);
        await using var reader = await command.ExecuteReaderAsync();
        var groups = new List<Group>();
        while (await reader.ReadAsync())
        {
            string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            groups.Add(new Group(reader.GetDateTime(0), reader.GetString(1), reader.GetDateTime(2), reader.GetString(3), Text(4), Text(5), Text(6), reader.GetString(7),
                reader.GetString(8), reader.GetString(9), Text(10), Text(11), reader.GetDecimal(12), reader.GetDecimal(13), reader.GetInt64(14), reader.GetDateTime(15)));
        }
        return groups.OrderBy(g => g.SortKey, StringComparer.Ordinal).ToList();
    }

    private sealed record Group(DateTime Day, string Account, DateTime Period, string Currency, string? Team, string? Component, string? Environment,
        string Provider, string Category, string Service, string? Region, string? SubAccount, decimal Billed, decimal Effective, long Rows, DateTime LastEnd)
    {
        /// <summary>The grouping columns only (a sum's trailing zeros may differ between decimal and numeric; the values must not).</summary>
        public string SortKey => string.Join('|', Day.Ticks, Account, Period.Ticks, Currency, Team, Component, Environment, Provider, Category, Service, Region ?? "\0", SubAccount ?? "\0");
    }
}
