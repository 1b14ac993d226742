using Portal.Web.Features.Cost;

namespace Portal.Tests.Cost;

/// <summary>What a spreadsheet does to a FOCUS file, row by row: the money stays, the damage becomes a warning.</summary>
public sealed class FocusReaderWarningTests
{
    private const string Header = "BilledCost,EffectiveCost,ListCost,ContractedCost,PricingQuantity,BillingPeriodStart,BillingPeriodEnd,ChargePeriodStart,ChargePeriodEnd," +
        "BillingAccountId,BillingCurrency,ChargeCategory,ServiceName,ServiceCategory,ProviderName,PublisherName,InvoiceIssuerName,BillingAccountName,ChargeClass," +
        "ChargeDescription,PricingUnit,Tags,SubAccountId";

    private static FocusCsvReader Open(params string[] rows)
    {
        var (reader, missing) = FocusCsvReader.Open(new StringReader(string.Join('\n', [Header, .. rows]) + "\n"));
        Assert.Empty(missing);
        return reader!;
    }

    private static string Row(string billed = "1.25", string start = "2024-09-01T00:00:00Z", string account = "123456789012", string tags = "\"{\"\"team\"\": \"\"payments\"\"}\"") =>
        $"{billed},1,1,1,1,2024-09-01T00:00:00Z,2024-10-01T00:00:00Z,{start},2024-09-01T01:00:00Z,{account},USD,Usage,EC2,Compute,AWS,AWS,AWS,,,,Hours,{tags},sub-1";

    [Fact]
    public void Tags_split_over_cells_by_lost_quotes_are_joined_back_and_the_columns_after_them_line_up()
    {
        var reader = Open(Row(tags: "{application: PeoriaData, environment: dev}"));

        var row = reader.Read()!.Value.Row!;

        Assert.Equal(1.25m, row.BilledCost);
        Assert.Equal("sub-1", row.SubAccountId);
        Assert.Empty(row.Tags);
        Assert.Contains(row.Warnings, w => w.Kind == "tags-split" && w.Message.Contains("2 cells", StringComparison.Ordinal));
        Assert.Contains(row.Warnings, w => w.Kind == "tags-unreadable" && w.Message.Contains("PeoriaData", StringComparison.Ordinal));
    }

    [Fact]
    public void Us_dates_and_rounded_ids_are_read_with_warnings()
    {
        var reader = Open(Row(start: "9/1/2024 0:00", account: "1.23457E+11"));

        var row = reader.Read()!.Value.Row!;

        Assert.Equal(new DateTime(2024, 9, 1, 0, 0, 0, DateTimeKind.Utc), row.ChargePeriodStart);
        Assert.Equal("1.23457E+11", row.BillingAccountId);
        Assert.Contains(row.Warnings, w => w.Kind == "non-iso-date" && w.Message.Contains("ChargePeriodStart '9/1/2024 0:00'", StringComparison.Ordinal));
        Assert.Contains(row.Warnings, w => w.Kind == "scientific-notation-id" && w.Message.Contains("BillingAccountId", StringComparison.Ordinal));
    }

    [Fact]
    public void A_rejected_row_carries_its_cost_when_the_cost_itself_was_readable()
    {
        var reader = Open(Row(billed: "7.5", start: "32/13/2024"), Row(billed: "seven"));

        var badDate = reader.Read()!.Value.Error!;
        var badCost = reader.Read()!.Value.Error!;

        Assert.Equal((2L, 7.5m), (badDate.Line, badDate.BilledCost));
        Assert.Equal(3, badCost.Line);
        Assert.Null(badCost.BilledCost);
    }

    [Fact]
    public void Warnings_are_counted_by_kind_with_the_first_lines_and_one_example()
    {
        var warnings = new CostImportWarnings();
        for (var line = 2; line < 30; line++)
        {
            warnings.Add(line, new FocusRowWarning("tags-unreadable", $"bad tags on {line}"));
        }
        warnings.Add(40, new FocusRowWarning("non-iso-date", "US date"));
        warnings.Add(40, new FocusRowWarning("non-iso-date", "another US date on the same row"));

        var list = warnings.ToList();

        var tags = Assert.Single(list, w => w.Kind == "tags-unreadable");
        Assert.Equal(28, tags.Count);
        Assert.Equal(Enumerable.Range(2, CostImportWarnings.LinesKept).Select(i => (long)i), tags.FirstLines);
        Assert.Equal("line 2: bad tags on 2", tags.Example);
        Assert.Equal(1, Assert.Single(list, w => w.Kind == "non-iso-date").Count);
    }
}
