using Portal.Web.Features.Cost;

namespace Portal.Tests.Cost;

public sealed class CostAttributionTests
{
    private static readonly CatalogNames Catalog = new(
        new HashSet<string> { "group:default/payments", "group:default/checkout" },
        new Dictionary<string, string?> { ["component:default/cart-service"] = "group:default/checkout", ["component:default/orphan"] = null });

    private static readonly CostAttributionOptions Options = new() { SharedServices = ["Support"], SubAccountTeams = new() { ["sub-42"] = "payments" } };

    private static Attribution Of(params (string Key, string Value)[] tags) =>
        CostAttribution.Attribute(tags.ToDictionary(t => t.Key, t => t.Value), null, Options, Catalog);

    [Fact]
    public void Tag_keys_are_case_insensitive_and_values_map_to_catalog_refs()
    {
        Assert.Equal(new Attribution("group:default/payments", null, "prod"), Of(("Team", "Payments"), ("ENV", "Prod")));
        Assert.Equal(new Attribution("group:default/checkout", "component:default/cart-service", null), Of(("service", "cart-service")));
    }

    [Fact]
    public void Unknown_teams_and_components_stay_unallocated()
    {
        Assert.Equal(new Attribution(null, null, null), Of(("team", "marketing"), ("service", "no-such-service")));
        Assert.Equal(new Attribution(null, null, null), Of());
    }

    [Fact]
    public void Sub_accounts_and_shared_services_are_attributed_by_configuration()
    {
        Assert.Equal("group:default/payments", CostAttribution.Attribute(new Dictionary<string, string>(), "sub-42", Options, Catalog).Team);
        Assert.Equal(CostAttribution.SharedTeam, CostAttribution.Attribute(new Dictionary<string, string> { ["team"] = "payments" }, null, Options, Catalog, "support").Team);
    }

    [Fact]
    public void Shared_cost_splits_in_proportion_and_the_parts_add_up_to_the_cent()
    {
        var split = CostAttribution.SplitShared(10.00m, new Dictionary<string, decimal> { ["payments"] = 30.50m, ["checkout"] = 30.00m });

        Assert.Equal(5.04m, split["payments"]);
        Assert.Equal(4.96m, split["checkout"]);
        Assert.Equal(10.00m, split.Values.Sum());

        var thirds = CostAttribution.SplitShared(1.00m, new Dictionary<string, decimal> { ["a"] = 1m, ["b"] = 1m, ["c"] = 1m });
        Assert.Equal(1.00m, thirds.Values.Sum());
        Assert.Equal(0.34m, thirds["a"]); // the remainder cent goes to the largest (ties: first by name)
    }

    [Fact]
    public void The_csv_reader_accepts_real_export_quirks_and_reports_bad_rows_by_line()
    {
        var csv = string.Join('\n', string.Join(',', FocusCsvReader.MandatoryColumns) + ",Tags,x_Custom",
            Row("\"1.5\"", "2024-09-18 22:00:00", "NULL", "{\"\"team\"\": \"\"payments\"\"}", "kept"),
            Row("abc", "2024-09-18 22:00:00", "NULL", "NULL", ""),
            Row("2", "2024-09-18T22:00:00Z", "\"\"", "[1]", ""),
            Row("3", "2024-09-18T22:00:00Z", "\"\"", "NULL", "")) + "\n";
        var (reader, missing) = FocusCsvReader.Open(new StringReader(csv));
        Assert.Empty(missing);

        var first = reader!.Read()!.Value.Row!;
        var second = reader.Read()!.Value.Error!;
        var third = reader.Read()!.Value.Row!; // Tags that are not an object: imported without tags, with a warning
        var fourth = reader.Read()!.Value.Row!;

        Assert.Equal(1.5m, first.BilledCost);
        Assert.Equal(new DateTime(2024, 9, 18, 22, 0, 0, DateTimeKind.Utc), first.ChargePeriodStart);
        Assert.Null(first.BillingAccountName);
        Assert.Equal("payments", first.Tags["team"]);
        Assert.Equal("kept", first.Extra["x_Custom"]);
        Assert.Equal(["x_Custom"], reader.ExtraColumns);
        Assert.Equal(3, second.Line);
        Assert.Contains("BilledCost 'abc' is not a number", second.Message, StringComparison.Ordinal);
        Assert.Equal(4, third.Line);
        Assert.Equal(2m, third.BilledCost);
        Assert.Empty(third.Tags);
        Assert.Contains(third.Warnings, w => w.Kind == "tags-unreadable" && w.Message.Contains("not a JSON object", StringComparison.Ordinal));
        Assert.Equal(5, fourth.Line);
        Assert.Null(reader.Read());
    }

    private static string Row(string billed, string start, string accountName, string tags, string custom)
    {
        var values = FocusCsvReader.MandatoryColumns.ToDictionary(c => c, c => c switch
        {
            "BilledCost" => billed,
            "EffectiveCost" or "ListCost" or "ContractedCost" or "PricingQuantity" => "1",
            "BillingPeriodStart" => "2024-09-01 00:00:00",
            "BillingPeriodEnd" => "2024-10-01 00:00:00",
            "ChargePeriodStart" => start,
            "ChargePeriodEnd" => "2024-09-18 23:00:00",
            "BillingAccountName" => accountName,
            "ChargeClass" => "NULL",
            _ => "\"x\"",
        });
        return string.Join(',', FocusCsvReader.MandatoryColumns.Select(c => values[c])) + "," + (tags == "NULL" ? "NULL" : "\"" + tags + "\"") + "," + custom;
    }
}
