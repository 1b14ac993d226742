using System.Globalization;
using Portal.Web.Features.Cost;

namespace Portal.Tests.Cost;

/// <summary>
/// The reader's shortcuts (runs of plain characters, the two common timestamp layouts, tag and extra texts read once)
/// must read every file exactly as the general code does: same fields, same times, same warnings on every row.
/// </summary>
public sealed class FocusReaderFastPathTests
{
    private const string Header = "BilledCost,EffectiveCost,ListCost,ContractedCost,PricingQuantity,BillingPeriodStart,BillingPeriodEnd,ChargePeriodStart,ChargePeriodEnd," +
        "BillingAccountId,BillingCurrency,ChargeCategory,ServiceName,ServiceCategory,ProviderName,PublisherName,InvoiceIssuerName,BillingAccountName,ChargeClass," +
        "ChargeDescription,PricingUnit,Tags,SubAccountId";

    private static string Row(string start = "2024-09-01T00:00:00Z", string tags = "\"{\"\"team\"\": \"\"payments\"\"}\"", string unit = "Hours",
        string description = "", string billed = "1.25") =>
        $"{billed},1,1,1,1,2024-09-01T00:00:00Z,2024-10-01T00:00:00Z,{start},2024-09-01T01:00:00Z,123456789012,USD,Usage,EC2,Compute,AWS,AWS,AWS,,,{description},{unit},{tags},sub-1";

    private static FocusCsvReader Open(string text)
    {
        var (reader, missing) = FocusCsvReader.Open(new StringReader(text));
        Assert.Empty(missing);
        return reader!;
    }

    [Theory]
    [InlineData("2024-09-01T13:45:59Z")]
    [InlineData("2024-09-01 13:45:59")]
    [InlineData("2024-02-29T00:00:00Z")]
    [InlineData("0001-01-01T00:00:00Z")]
    [InlineData("2024-09-01T13:45:59.5Z")]
    [InlineData("2024-09-01T13:45:59+02:00")]
    [InlineData("2024-09-01")]
    public void Common_timestamp_layouts_read_as_the_general_iso_parser_reads_them(string value)
    {
        var expected = DateTime.ParseExact(value, ["yyyy-MM-ddTHH:mm:ssZ", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-ddTHH:mm:ss.FFFFFFFZ", "yyyy-MM-ddTHH:mm:ssK", "yyyy-MM-dd"],
            CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);

        var (at, iso) = FocusCsvReader.ReadTimestamp("ChargePeriodStart", value);

        Assert.True(iso);
        Assert.Equal(DateTimeKind.Utc, at.Kind);
        Assert.Equal(expected, at);
    }

    [Theory]
    [InlineData("2023-02-29T00:00:00Z")]
    [InlineData("2024-09-01T23:60:00Z")]
    [InlineData("2024-09-0xT00:00:00Z")]
    public void Impossible_dates_in_the_common_layout_are_still_refused(string value)
    {
        var error = Assert.Throws<FormatException>(() => FocusCsvReader.ReadTimestamp("ChargePeriodStart", value));

        Assert.Contains($"ChargePeriodStart '{value}' is not a date-time", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Quoted_fields_with_commas_quotes_and_newlines_and_a_field_longer_than_the_read_buffer_keep_their_text_and_line_numbers()
    {
        var longText = string.Concat(Enumerable.Repeat("abc,\"def\" ", 10_000)); // 100,000 characters: spans several 64 K reads
        var quoted = "\"" + longText.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        var text = string.Join("\r\n", Header,
            Row(description: "\"multi\nline, with \"\"quotes\"\"\""),
            Row(description: quoted),
            Row(description: "plain \"mid\" quote"),
            Row()) + "\r\n";
        var reader = Open(text);

        var first = reader.Read()!.Value.Row!;
        var second = reader.Read()!.Value.Row!;
        var third = reader.Read()!.Value.Row!;
        var fourth = reader.Read()!.Value.Row!;

        Assert.Equal("multi\nline, with \"quotes\"", first.ChargeDescription);
        Assert.Equal(2, first.Line);
        Assert.Equal(longText, second.ChargeDescription);
        Assert.Equal(4, second.Line); // the first row took two physical lines
        Assert.Equal("plain \"mid\" quote", third.ChargeDescription);
        Assert.Equal((6L, "sub-1"), (fourth.Line, fourth.SubAccountId));
        Assert.Null(reader.Read());
    }

    [Fact]
    public void Repeated_tag_texts_give_equal_tags_and_every_unreadable_one_still_warns_on_its_own_row()
    {
        var reader = Open(string.Join('\n', Header, Row(), Row(), Row(tags: "{oops"), Row(tags: "{oops"), Row(tags: "\"{\"\"team\"\": \"\"search\"\"}\"")) + "\n");

        var rows = Enumerable.Range(0, 5).Select(_ => reader.Read()!.Value.Row!).ToList();

        Assert.Equal(["payments", "payments"], rows.Take(2).Select(r => r.Tags["team"]));
        Assert.Equal("{\"team\": \"payments\"}", rows[1].TagsJson);
        Assert.All(rows.Skip(2).Take(2), r =>
        {
            Assert.Empty(r.Tags);
            Assert.Contains(r.Warnings, w => w.Kind == "tags-unreadable");
        });
        Assert.Equal("search", rows[4].Tags["team"]);
        Assert.Empty(rows[4].Warnings);
    }

    [Fact]
    public void Extra_columns_follow_each_row_when_their_values_change()
    {
        var reader = Open(string.Join('\n', Header + ",x_Unit,x_Pool", Row() + ",Hours,a", Row() + ",Hours,a", Row() + ",GB,a", Row() + ",NULL,a") + "\n");

        var rows = Enumerable.Range(0, 4).Select(_ => reader.Read()!.Value.Row!).ToList();

        Assert.Equal(["Hours", "Hours", "GB"], rows.Take(3).Select(r => r.Extra["x_Unit"]));
        Assert.Equal("{\"x_Unit\":\"GB\",\"x_Pool\":\"a\"}", rows[2].ExtraJson);
        Assert.False(rows[3].Extra.ContainsKey("x_Unit"));
        Assert.Equal("{\"x_Pool\":\"a\"}", rows[3].ExtraJson);
    }
}
