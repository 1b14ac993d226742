using System.Net;
using System.Net.Http.Json;
using Parquet.Schema;
using Portal.Web.Features.Cost;

namespace Portal.IntegrationTests.Cost;

/// <summary>A FOCUS export in Parquet (written here with Parquet.Net, typed columns, nulls) imports like its CSV twin.</summary>
public sealed class FocusParquetTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>
{
    [Fact]
    public async Task A_parquet_export_is_imported_with_its_typed_values_and_nulls()
    {
        var start = new DateTime(2026, 10, 1, 0, 0, 0, DateTimeKind.Utc);
        var strings = new Dictionary<string, string?[]>
        {
            ["BillingAccountId"] = ["pq-account", "pq-account", "pq-account"],
            ["BillingAccountName"] = ["Parquet", null, "Parquet"],
            ["BillingCurrency"] = ["USD", "USD", "USD"],
            ["ChargeCategory"] = ["Usage", "Usage", "Credit"],
            ["ChargeClass"] = [null, null, null],
            ["ChargeDescription"] = ["vm", "disk", "credit"],
            ["PricingUnit"] = ["Hours", "GB-Month", null],
            ["ServiceName"] = ["Virtual Machines", "Storage", "Virtual Machines"],
            ["ServiceCategory"] = ["Compute", "Storage", "Compute"],
            ["ProviderName"] = ["Microsoft", "Microsoft", "Microsoft"],
            ["PublisherName"] = ["Microsoft", "Microsoft", "Microsoft"],
            ["InvoiceIssuerName"] = ["Microsoft", "Microsoft", "Microsoft"],
            ["Tags"] = ["{\"team\": \"payments\"}", null, "{\"team\": \"payments\"}"],
        };
        var money = new Dictionary<string, decimal?[]>
        {
            ["BilledCost"] = [12.50m, 3.25m, -2.00m],
            ["EffectiveCost"] = [10.00m, 3.25m, -2.00m],
            ["ListCost"] = [12.50m, 3.25m, -2.00m],
            ["ContractedCost"] = [12.50m, 3.25m, -2.00m],
            ["PricingQuantity"] = [1m, 10m, null],
        };
        var times = new Dictionary<string, DateTime[]>
        {
            ["BillingPeriodStart"] = [start, start, start],
            ["BillingPeriodEnd"] = [start.AddMonths(1), start.AddMonths(1), start.AddMonths(1)],
            ["ChargePeriodStart"] = [start.AddDays(3), start.AddDays(3), start.AddDays(4)],
            ["ChargePeriodEnd"] = [start.AddDays(4), start.AddDays(4), start.AddDays(5)],
        };
        var schema = new ParquetSchema([
            .. strings.Keys.Select(k => (Field)new DataField<string>(k)),
            .. money.Keys.Select(k => (Field)new DataField<decimal?>(k)),
            .. times.Keys.Select(k => (Field)new DataField<DateTime>(k)),
        ]);
        var rows = Enumerable.Range(0, 3).Select(i =>
        {
            var row = new Dictionary<string, object?>();
            foreach (var (k, v) in strings) { row[k] = v[i]; }
            foreach (var (k, v) in money) { row[k] = v[i]; }
            foreach (var (k, v) in times) { row[k] = v[i]; }
            return (IDictionary<string, object?>)row;
        }).ToList();
        using var file = new MemoryStream();
        // Two rows per row group: the reader goes group by group, and must not lose or repeat any.
        await Parquet.Serialization.ParquetSerializer.SerializeUntypedAsync(rows!, schema, file, new Parquet.ParquetOptions { RowGroupSize = 2 });
        file.Position = 0;
        await using (var check = await Parquet.ParquetReader.CreateAsync(file, null, leaveStreamOpen: true))
        {
            Assert.Equal(2, check.RowGroupCount);
        }
        using var admin = factory.AdminClient();

        var response = await CostKit.ImportAsync(admin, file.ToArray(), "azure-2026-10.parquet", "application/vnd.apache.parquet");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var result = (await response.Content.ReadFromJsonAsync<CostImportView>())!;
        Assert.Equal((3, 0), (result.Rows, result.RejectedRows));
        Assert.Equal(13.75m, result.BilledCost);
        Assert.Equal(11.25m, result.EffectiveCost);
        await using var db = await factory.DbAsync();
        var items = db.CostLineItems.OrderBy(c => c.Line).ToList();
        Assert.Null(items[1].BillingAccountName);
        Assert.Equal(start.AddDays(3), items[0].ChargePeriodStart);
        Assert.Equal("payments", items[0].Tags["team"]);
    }
}
