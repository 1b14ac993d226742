using System.Text;
using Npgsql;
using Portal.TestSupport;
using Portal.Web.Features.Cost;
using Portal.Web.Features.Identity;

namespace Portal.IntegrationTests.Cost;

/// <summary>
/// A large import into a table with fewer rows than it brings drops the line items' secondary indexes and builds them
/// after the COPY. The indexes after it must be the migrations' own, and an import that fails must leave them in place.
/// (The threshold is lowered to one row so a small generated file takes that path.)
/// </summary>
public sealed class CostBulkImportTests
{
    [Fact]
    public async Task A_large_first_import_builds_the_same_indexes_again_a_failed_one_keeps_them_and_a_reimport_replaces_its_period()
    {
        await using var factory = new PortalAppFactory();
        await using var db = await factory.DbAsync();
        var migrated = await IndexesAsync(factory.ConnectionString);
        Assert.Equal(5, migrated.Count); // the primary key and four secondary indexes
        var (csv, total) = Generate(2_000);

        var failed = await CostImporter.ImportAsync(db, new MemoryStream(Encoding.UTF8.GetBytes(csv.Replace("\n0.", "\nnot-a-number", StringComparison.Ordinal))),
            "all-bad.csv", AuditActor.System, new CostAttributionOptions(), TimeProvider.System, default, bulkMinimumRows: 1);
        Assert.Equal(("failed", 2_000), (failed.Status, failed.RejectedRows));
        Assert.Equal(migrated, await IndexesAsync(factory.ConnectionString));

        var first = await CostImporter.ImportAsync(db, new MemoryStream(Encoding.UTF8.GetBytes(csv)), "first.csv", AuditActor.System,
            new CostAttributionOptions(), TimeProvider.System, default, bulkMinimumRows: 1);
        Assert.Equal(("succeeded", 2_000, total), (first.Status, first.Rows, first.EffectiveCost));
        Assert.Equal(migrated, await IndexesAsync(factory.ConnectionString));
        Assert.Equal(total, await PostgresProbe.ScalarAsync(factory.ConnectionString, "SELECT sum(effective_cost) FROM cost_line_items"));
        Assert.Equal(total, await PostgresProbe.ScalarAsync(factory.ConnectionString, "SELECT sum(effective_cost) FROM cost_daily"));

        // The table now holds as many rows as the file brings: the same file again takes the row-by-row path and replaces the period.
        var again = await CostImporter.ImportAsync(db, new MemoryStream(Encoding.UTF8.GetBytes(csv)), "again.csv", AuditActor.System,
            new CostAttributionOptions(), TimeProvider.System, default, bulkMinimumRows: 1);
        Assert.Equal(("succeeded", 2_000), (again.Status, again.ReplacedRows));
        Assert.Equal(migrated, await IndexesAsync(factory.ConnectionString));
        Assert.Equal(2_000L, await PostgresProbe.ScalarAsync(factory.ConnectionString, "SELECT count(*) FROM cost_line_items"));
        Assert.Equal(total, await PostgresProbe.ScalarAsync(factory.ConnectionString, "SELECT sum(effective_cost) FROM cost_daily"));
    }

    private static (string Csv, decimal Total) Generate(int rows)
    {
        using var text = new StringWriter();
        FocusCsvWriter.WriteHeader(text);
        var total = 0m;
        var start = new DateTime(2026, 9, 1, 0, 0, 0, DateTimeKind.Utc);
        for (var i = 0; i < rows; i++)
        {
            var cost = 0.5m + i % 7 * 0.01m;
            total += cost;
            FocusCsvWriter.WriteRow(text, FocusCsvWriter.Usage(start.AddHours(i % 500), cost, "AWS", "EC2", "Compute", "eu-west-1", $"i-{i % 40}",
                new Dictionary<string, string> { ["team"] = "payments" }));
        }
        return (text.ToString(), total);
    }

    /// <summary>Every index of the line items as PostgreSQL describes it (name and definition), in name order.</summary>
    private static async Task<List<string>> IndexesAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT indexdef FROM pg_indexes WHERE tablename = 'cost_line_items' ORDER BY indexname", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var indexes = new List<string>();
        while (await reader.ReadAsync())
        {
            indexes.Add(reader.GetString(0));
        }
        return indexes;
    }
}
