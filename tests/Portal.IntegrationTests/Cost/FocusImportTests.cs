using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.TestSupport;
using Portal.Web.Features.Cost;

namespace Portal.IntegrationTests.Cost;

/// <summary>FOCUS imports over the real API and database, with the FOCUS 1.0 sample from ../shared/testdata/focus.</summary>
public sealed class FocusImportTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>
{
    private static string Sample => Path.Combine(SharedTestData.Root, "focus", "focus_sample.csv");

    private static JsonElement Expected =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(SharedTestData.Root, "focus", "focus_sample.expected.json"))).RootElement;

    private static decimal Dec(JsonElement e, string name) => decimal.Parse(e.GetProperty(name).GetString()!, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task The_focus_sample_imports_with_the_readmes_counts_and_totals_and_a_reimport_changes_nothing()
    {
        using var admin = factory.AdminClient();
        var bytes = await File.ReadAllBytesAsync(Sample);

        var first = await CostKit.ImportAsync(admin, bytes, "focus_sample.csv");
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var result = (await first.Content.ReadFromJsonAsync<CostImportView>())!;

        var expected = Expected;
        Assert.Equal(expected.GetProperty("data_rows").GetInt32(), result.Rows);
        Assert.Equal(0, result.RejectedRows);
        Assert.Equal(Dec(expected, "BilledCost_total"), result.BilledCost);
        Assert.Equal(Dec(expected, "EffectiveCost_total"), result.EffectiveCost);
        Assert.Equal(new DateTime(2024, 9, 1, 0, 0, 0, DateTimeKind.Utc), result.PeriodStart);
        Assert.Equal(new DateTime(2024, 10, 1, 0, 0, 0, DateTimeKind.Utc), result.PeriodEnd);
        await AssertTotalsAsync(expected);

        // The same export again: it replaces its own billing accounts and periods, nothing is counted twice.
        var again = await CostKit.ImportAsync(admin, bytes, "focus_sample.csv");
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal(1000, (await again.Content.ReadFromJsonAsync<CostImportView>())!.ReplacedRows);
        await AssertTotalsAsync(expected);

        // gzip is recognised by content, and gives the same result.
        using var gz = new MemoryStream();
        await using (var zip = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true))
        {
            await zip.WriteAsync(bytes);
        }
        var gzipped = await CostKit.ImportAsync(admin, gz.ToArray(), "focus_sample.csv.gz");
        Assert.Equal(HttpStatusCode.Created, gzipped.StatusCode);
        await AssertTotalsAsync(expected);
        await AuditAssert.RecordedAsync(factory, "cost.import", $"cost-import:{result.Id}", "bootstrap-admin-token");

        var summary = (await admin.GetFromJsonAsync<CostSummary>("/api/cost/summary?groupBy=provider&from=2024-09-01&to=2024-10-01"))!;
        foreach (var provider in expected.GetProperty("by_ProviderName").EnumerateObject())
        {
            var row = Assert.Single(summary.Rows, r => r.Key == provider.Name);
            // The one Oracle row charged on 2024-09-30 22:00 is inside the window; the summary covers charge periods.
            Assert.Equal(Dec(provider.Value, "EffectiveCost"), row.EffectiveCost);
        }
    }

    private async Task AssertTotalsAsync(JsonElement expected)
    {
        await using var db = await factory.DbAsync();
        Assert.Equal(1000, await db.CostLineItems.CountAsync());
        Assert.Equal(Dec(expected, "BilledCost_total"), await db.CostLineItems.SumAsync(c => c.BilledCost));
        Assert.Equal(Dec(expected, "EffectiveCost_total"), await db.CostLineItems.SumAsync(c => c.EffectiveCost));
        Assert.Equal(Dec(expected, "ListCost_total"), await db.CostLineItems.SumAsync(c => c.ListCost));
        foreach (var provider in expected.GetProperty("by_ProviderName").EnumerateObject())
        {
            var rows = db.CostLineItems.Where(c => c.ProviderName == provider.Name);
            Assert.Equal(provider.Value.GetProperty("rows").GetInt32(), await rows.CountAsync());
            Assert.Equal(Dec(provider.Value, "BilledCost"), await rows.SumAsync(c => c.BilledCost));
            Assert.Equal(Dec(provider.Value, "EffectiveCost"), await rows.SumAsync(c => c.EffectiveCost));
        }
        Assert.Equal(711L, await PostgresProbe.ScalarAsync(factory.ConnectionString, "SELECT count(*) FROM cost_line_items WHERE tags <> '{}'::jsonb"));
    }

    [Fact]
    public async Task A_file_without_the_mandatory_columns_is_refused_whole_with_their_names()
    {
        using var admin = factory.AdminClient();
        var csv = "BilledCost,BillingCurrency,ServiceName\n1.5,USD,Compute\n";

        var response = await CostKit.ImportAsync(admin, Encoding.UTF8.GetBytes(csv), "partial.csv");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var result = (await response.Content.ReadFromJsonAsync<CostImportView>())!;
        Assert.Equal("failed", result.Status);
        Assert.Contains("EffectiveCost", result.Message, StringComparison.Ordinal);
        Assert.Contains("ChargePeriodStart", result.Message, StringComparison.Ordinal);
        Assert.Equal(0, result.Rows);
    }

    [Fact]
    public async Task Malformed_rows_are_rejected_by_line_number_and_the_rest_imported()
    {
        using var admin = factory.AdminClient();
        var lines = (await File.ReadAllLinesAsync(Sample)).Take(6).ToList();
        var header = lines[0].Split(',');
        var billed = Array.IndexOf(header, "\"BilledCost\"");
        var account = Array.IndexOf(header, "\"BillingAccountId\"");
        for (var i = 1; i < lines.Count; i++)
        {
            // Its own billing account, so this import replaces nothing another test imported.
            var row = lines[i].Split(',');
            row[account] = "\"broken-file-account\"";
            lines[i] = string.Join(',', row);
        }
        var cells = lines[2].Split(',');
        cells[billed] = "twelve";                            // line 3: a cost that is not a number
        lines[2] = string.Join(',', cells);
        lines[4] = lines[4].Replace("2024-09-", "2024-13-", StringComparison.Ordinal); // line 5: no such month
        lines.Add("\"unclosed,1,2");                          // line 7: an unclosed quote
        var content = Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n");

        var response = await CostKit.ImportAsync(admin, content, "broken.csv");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var result = (await response.Content.ReadFromJsonAsync<CostImportView>())!;
        Assert.Equal(3, result.Rows);
        Assert.Equal(3, result.RejectedRows);
        Assert.Contains(result.Errors, e => e.Line == 3 && e.Message.Contains("BilledCost 'twelve' is not a number", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.Line == 5 && e.Message.Contains("not a date-time", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.Line == 7);
    }
}
