using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Portal.TestSupport;
using Portal.Web.Features.Cost;

namespace Portal.IntegrationTests.Cost;

/// <summary>Files real users upload that are not clean FOCUS: a spreadsheet round trip, and providers' native exports.</summary>
public sealed class FocusDamagedFileTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>
{
    private static string Sample => Path.Combine(SharedTestData.Root, "focus", "focus_sample.csv");

    /// <summary>
    /// The FOCUS 1.0 sample as a spreadsheet saves it after opening: long numeric ids in scientific notation
    /// (1234567890123 → 1.23457E+12), US dates without seconds, NULL as empty, minimal quoting, and the Tags
    /// JSON written without its quotes, so it falls apart into several cells at its commas.
    /// </summary>
    private static string SpreadsheetRoundTrip(out int taggedRows, out int multiKeyTagRows, out int longIds)
    {
        var records = IndependentFocusTotals.Records(File.ReadAllText(Sample));
        var header = records[0];
        int tags = header.IndexOf("Tags"), account = header.IndexOf("BillingAccountId");
        string[] dates = ["BillingPeriodStart", "BillingPeriodEnd", "ChargePeriodStart", "ChargePeriodEnd"];
        var dateColumns = dates.Select(d => header.IndexOf(d)).ToHashSet();
        taggedRows = multiKeyTagRows = longIds = 0;
        var text = new StringBuilder(string.Join(',', header) + "\r\n");
        foreach (var record in records.Skip(1).Where(r => r.Count > 1))
        {
            var cells = new List<string>();
            for (var i = 0; i < record.Count; i++)
            {
                var v = record[i] == "NULL" ? "" : record[i];
                if (i == tags && v.Length > 0)
                {
                    taggedRows++;
                    multiKeyTagRows += v.Contains(',', StringComparison.Ordinal) ? 1 : 0;
                    cells.Add(v.Replace("\"", "", StringComparison.Ordinal)); // the quotes are gone, the commas split it
                    continue;
                }
                if (i == account && v.Length > 11 && v.All(char.IsAsciiDigit))
                {
                    longIds++;
                    v = double.Parse(v, CultureInfo.InvariantCulture).ToString("0.#####E+0", CultureInfo.InvariantCulture);
                }
                if (dateColumns.Contains(i))
                {
                    v = DateTime.Parse(v, CultureInfo.InvariantCulture).ToString("M/d/yyyy H:mm", CultureInfo.InvariantCulture);
                }
                cells.Add(v.Contains(',', StringComparison.Ordinal) || v.Contains('"', StringComparison.Ordinal) ? "\"" + v.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : v);
            }
            text.Append(string.Join(',', cells)).Append("\r\n");
        }
        return text.ToString();
    }

    [Fact]
    public async Task A_spreadsheet_mangled_focus_file_keeps_all_of_its_billed_cost_with_warnings_saying_what_was_wrong()
    {
        using var admin = factory.AdminClient();
        var expected = new IndependentFocusTotals(Sample);
        var mangled = SpreadsheetRoundTrip(out var taggedRows, out var multiKeyTagRows, out var longIds);
        Assert.Contains("1.23457E+12", mangled, StringComparison.Ordinal);
        Assert.True(multiKeyTagRows > 100);

        var response = await CostKit.ImportAsync(admin, Encoding.UTF8.GetBytes(mangled), "focus_sample (edited in Excel).csv");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var result = (await response.Content.ReadFromJsonAsync<CostImportView>())!;
        Assert.Equal((expected.Rows, 0), (result.Rows, result.RejectedRows));
        Assert.Equal(expected.Billed, result.BilledCost); // 100 % of the billed cost
        Assert.Equal(expected.Effective, result.EffectiveCost);
        Assert.Equal(0m, result.RejectedBilledCost);
        int Count(string kind) => result.Warnings.SingleOrDefault(w => w.Kind == kind)?.Count ?? 0;
        Assert.Equal(multiKeyTagRows, Count("tags-split"));
        Assert.Equal(taggedRows, Count("tags-unreadable"));
        Assert.Equal(longIds, Count("scientific-notation-id"));
        Assert.Equal(expected.Rows, Count("non-iso-date")); // rows, not dates: each row has four
        var split = result.Warnings.Single(w => w.Kind == "tags-split");
        Assert.Equal(CostImportWarnings.LinesKept, split.FirstLines.Count);
        Assert.StartsWith($"line {split.FirstLines[0]}: Tags was spread over", split.Example, StringComparison.Ordinal);
        Assert.Contains("imported with all their cost", result.Message, StringComparison.Ordinal);

        // The import list (what the import page shows) carries the same outcome.
        var listed = (await admin.GetFromJsonAsync<List<CostImportView>>("/api/cost/imports"))!.Single(i => i.Id == result.Id);
        Assert.Equal(result.Warnings.Sum(w => w.Count), listed.Warnings.Sum(w => w.Count));
    }

    [Fact]
    public async Task Rejected_rows_are_listed_by_line_and_the_import_says_how_much_cost_they_held()
    {
        using var admin = factory.AdminClient();
        var lines = (await File.ReadAllLinesAsync(Sample)).Take(5).ToList();
        for (var i = 1; i < lines.Count; i++)
        {
            lines[i] = lines[i].Replace("\"1234567890123\"", "\"rejected-rows-account\"", StringComparison.Ordinal);
        }
        var billedOfLine3 = decimal.Parse(lines[2].Split(',')[1], CultureInfo.InvariantCulture);
        lines[2] = lines[2].Replace("2024-09-", "2024-31-", StringComparison.Ordinal); // dates nobody can read; the cost is readable
        var cells = lines[3].Split(',');
        cells[1] = "\"1,5\"";                                                       // a cost written with a decimal comma
        lines[3] = string.Join(',', cells);

        var response = await CostKit.ImportAsync(admin, Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n"), "two-bad-rows.csv");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var result = (await response.Content.ReadFromJsonAsync<CostImportView>())!;
        Assert.Equal((2, 2), (result.Rows, result.RejectedRows));
        Assert.Equal([3L, 4L], result.Errors.Select(e => e.Line));
        Assert.Equal(billedOfLine3, result.RejectedBilledCost);
        Assert.Equal(1, result.RejectedRowsWithoutCost);
        Assert.Contains("BilledCost '1,5' is not a number", result.Errors[1].Message, StringComparison.Ordinal);
        Assert.Contains($"billed cost {billedOfLine3.ToString("0.##", CultureInfo.InvariantCulture)}", result.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("identity/LineItemId,identity/TimeInterval,bill/PayerAccountId,lineItem/UsageAccountId,lineItem/UnblendedCost,product/ProductName\n" +
        "abc,2024-09-01T00:00:00Z/2024-09-01T01:00:00Z,123456789012,123456789012,0.5,Amazon Elastic Compute Cloud\n", "AWS Cost and Usage Report", "Data Exports")]
    [InlineData("InvoiceSectionName,AccountName,AccountOwnerId,SubscriptionId,SubscriptionName,ResourceGroup,ResourceLocation,Date,ProductName,MeterCategory,CostInBillingCurrency\n" +
        "Dept,Acct,a@b.c,0000,Sub,rg,westeurope,09/01/2024,Virtual Machines D2,Virtual Machines,1.25\n", "Azure cost details export", "Exports")]
    [InlineData("lineItem/referenceNo,lineItem/tenantId,lineItem/intervalUsageStart,product/service,product/compartmentId,cost/myCost,cost/currencyCode\n" +
        "r1,ocid1.tenancy.oc1..a,2024-09-01T00:00Z,COMPUTE,ocid1.compartment.oc1..b,0.12,USD\n", "OCI", "FOCUS reports")]
    public async Task A_native_provider_export_is_refused_with_what_it_is_and_how_to_get_the_focus_export(string csv, string what, string how)
    {
        using var admin = factory.AdminClient();

        var response = await CostKit.ImportAsync(admin, Encoding.UTF8.GetBytes(csv), "export.csv");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var result = (await response.Content.ReadFromJsonAsync<CostImportView>())!;
        Assert.Equal(("failed", 0), (result.Status, result.Rows));
        Assert.Contains(what, result.Message, StringComparison.Ordinal);
        Assert.Contains("not a FOCUS export", result.Message, StringComparison.Ordinal);
        Assert.Contains(how, result.Message, StringComparison.Ordinal);
    }
}
