using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Portal.TestSupport;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Cost;

namespace Portal.IntegrationTests.Cost;

/// <summary>
/// Public FOCUS files of every version (1.0-preview as Microsoft writes it, the FinOps Foundation 1.0 sample,
/// and 1.1/1.2/1.3 samples from a FOCUS-Sample-Data fork; see Cost/TestData/focus-versions/README.md), imported
/// over the API into a fresh database each, with every report dimension checked against the test's own totals.
/// </summary>
public sealed class FocusVersionImportTests
{
    public static TheoryData<string, string> Files => new()
    {
        { "1.0-preview", Data("microsoft-focus-1.0-preview-v1.csv") },
        { "1.0", Path.Combine(SharedTestData.Root, "focus", "focus_sample.csv") },
        { "1.1", Data("focus-1.1-sample-first8.csv") },
        { "1.2", Data("focus-1.2-sample-first8.csv") },
        { "1.3", Data("focus-1.3-costandusage-first8.csv") },
    };

    private static string Data(string file) => Path.Combine(AppContext.BaseDirectory, "Cost", "TestData", "focus-versions", file);

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Each_focus_version_imports_all_its_rows_and_every_groupBy_equals_the_tests_own_totals(string version, string path)
    {
        await using var factory = new PortalAppFactory();
        await factory.SeedDemoAsync();
        using var admin = factory.AdminClient();
        var expected = new IndependentFocusTotals(path);

        var response = await CostKit.ImportAsync(admin, await File.ReadAllBytesAsync(path), Path.GetFileName(path));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var result = (await response.Content.ReadFromJsonAsync<CostImportView>())!;
        Assert.Equal(version, result.FocusVersion);
        Assert.Equal((expected.Rows, 0), (result.Rows, result.RejectedRows));
        Assert.Equal(expected.Billed, result.BilledCost);
        Assert.Equal(expected.Effective, result.EffectiveCost);
        Assert.Equal(0m, result.RejectedBilledCost);

        await using var db = await factory.DbAsync();
        var teams = (await CatalogReads.Entities(db).Where(e => e.Kind == CatalogKinds.Group).Select(e => e.Ref).ToListAsync()).ToHashSet(StringComparer.Ordinal);
        var components = await CatalogReads.Entities(db).Where(e => e.Kind == CatalogKinds.Component).ToDictionaryAsync(e => e.Ref, e => e.Owner);
        foreach (var groupBy in IndependentFocusTotals.GroupBys)
        {
            var summary = (await admin.GetFromJsonAsync<CostSummary>($"/api/cost/summary?groupBy={groupBy}&from=2024-09-01&to=2024-10-01"))!;
            var want = expected.By(groupBy, teams, components);
            var got = summary.Rows.ToDictionary(r => r.Key, r => (r.BilledCost, r.EffectiveCost), StringComparer.Ordinal);
            Assert.True(want.Count == got.Count && want.All(w => got.TryGetValue(w.Key, out var g) && g == w.Value),
                $"{version} by {groupBy}: expected {string.Join("; ", want.OrderBy(w => w.Key).Select(w => $"{w.Key}={w.Value}"))}, got {string.Join("; ", got.OrderBy(g => g.Key).Select(g => $"{g.Key}={g.Value}"))}");
            Assert.Equal(expected.Effective, summary.EffectiveCost);
        }
    }

    [Fact]
    public async Task Microsoft_preview_columns_are_read_region_from_Region_and_x_columns_kept()
    {
        await using var factory = new PortalAppFactory();
        using var admin = factory.AdminClient();

        var response = await CostKit.ImportAsync(admin, await File.ReadAllBytesAsync(Data("microsoft-focus-1.0-preview-v1.csv")), "FocusCost_1.0-preview.csv");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        await using var db = await factory.DbAsync();
        var vm = await db.CostLineItems.SingleAsync(c => c.ResourceName == "vm-pay-1");
        Assert.Equal(("westeurope", "westeurope"), (vm.RegionId, vm.RegionName));
        Assert.Null(vm.ContractedCost);
        Assert.Equal("rg-payments", vm.Extra["x_ResourceGroupName"]);
        Assert.Equal("On-Demand", vm.Extra["ChargeSubcategory"]);
        Assert.Equal("EUR", vm.BillingCurrency);
    }

    [Fact]
    public async Task A_focus_13_split_cost_row_is_attributed_by_its_workloads_allocated_tags_not_the_hosts()
    {
        await using var factory = new PortalAppFactory();
        await factory.SeedDemoAsync();
        using var admin = factory.AdminClient();
        // Line 6 is an Oracle bucket whose own tags say team platform; give its split-cost share to a payments workload.
        var lines = (await File.ReadAllLinesAsync(Data("focus-1.3-costandusage-first8.csv"))).ToList();
        Assert.Contains("\"{\"\"team\"\": \"\"platform\"\"}\"", lines[5], StringComparison.Ordinal);
        lines[5] = lines[5].Replace("\"AllocatedResourceId-5915\",\"AllocatedResourceName-8491\",\"{}\"",
            "\"payment-gateway-pod\",\"payment-gateway-pod\",\"{\"\"team\"\": \"\"payments\"\", \"\"component\"\": \"\"payment-gateway\"\"}\"", StringComparison.Ordinal);

        var response = await CostKit.ImportAsync(admin, Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n"), "split-cost.csv");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        await using var db = await factory.DbAsync();
        var share = await db.CostLineItems.SingleAsync(c => c.Line == 6);
        Assert.Equal("group:default/payments", share.Team);
        Assert.Equal("component:default/payment-gateway", share.Component);
        Assert.Equal("payment-gateway-pod", share.AllocatedResourceId);
        Assert.Equal("platform", share.Tags["team"]); // the host's own tags are kept as they were
        var summary = (await admin.GetFromJsonAsync<CostSummary>("/api/cost/summary?groupBy=team&from=2024-09-01&to=2024-10-01"))!;
        Assert.Equal(75.96016704m, Assert.Single(summary.Rows, r => r.Key == "group:default/payments").EffectiveCost);
        Assert.DoesNotContain(summary.Rows, r => r.Key == "group:default/platform");
        var line1 = await db.CostLineItems.SingleAsync(c => c.Line == 2);
        Assert.Equal(("AWS", "AWS"), (line1.ProviderName, line1.HostProviderName));
    }
}
