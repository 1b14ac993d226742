using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Parquet.Serialization;
using Parquet.Serialization.Attributes;
using Portal.Web.Features.Cost;

namespace Portal.IntegrationTests.Cost;

/// <summary>
/// Parquet as providers write it (written here with Parquet.Net): Tags as MAP&lt;string,string&gt; (AWS Data Exports)
/// or STRUCT, money as DECIMAL(38,18) or DOUBLE, timestamps in ms or us with and without time zone, dictionary-encoded
/// strings, several row groups. Each layout's attribution must equal the same rows imported as CSV.
/// </summary>
public sealed class FocusParquetLayoutTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IAsyncLifetime
{
    public Task InitializeAsync() => factory.SeedDemoAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private static readonly DateTime Month = new(2025, 3, 1, 0, 0, 0, DateTimeKind.Utc);

    private static readonly (decimal Cost, Dictionary<string, string> Tags, string Service)[] Charges =
    [
        (12.345678901234567891m, new() { ["team"] = "payments", ["env"] = "prod" }, "Amazon EC2"),
        (0.000000000000000001m, new() { ["component"] = "payment-gateway" }, "Amazon EC2"),
        (3.5m, new() { ["team"] = "platform", ["environment"] = "Staging" }, "Amazon S3"),
        (7.25m, new() { ["team"] = "no-such-team" }, "Amazon S3"),
        (-1.75m, new(), "AWS Support"),
        (1234567.891m, new() { ["app"] = "ci-runners", ["team"] = "growth" }, "Amazon EKS"),
    ];

    private static DateTime Hour(int i) => Month.AddDays(i + 1).AddHours(i);

    public sealed class TagsStruct
    {
        public string? team { get; set; }
        public string? env { get; set; }
        public string? environment { get; set; }
        public string? component { get; set; }
        public string? app { get; set; }
    }

    /// <summary>What AWS Data Exports writes: Tags a MAP, money DECIMAL(38,18), timestamps in milliseconds with UTC.</summary>
    public sealed class MapDecimalMillisRow
    {
        [ParquetDecimal(38, 18)] public decimal BilledCost { get; set; }
        [ParquetDecimal(38, 18)] public decimal EffectiveCost { get; set; }
        [ParquetDecimal(38, 18)] public decimal ListCost { get; set; }
        [ParquetDecimal(38, 18)] public decimal? ContractedCost { get; set; }
        [ParquetDecimal(38, 18)] public decimal? PricingQuantity { get; set; }
        [ParquetTimestamp(ParquetTimestampResolution.Milliseconds, true, true)] public DateTime BillingPeriodStart { get; set; }
        [ParquetTimestamp(ParquetTimestampResolution.Milliseconds, true, true)] public DateTime BillingPeriodEnd { get; set; }
        [ParquetTimestamp(ParquetTimestampResolution.Milliseconds, true, true)] public DateTime ChargePeriodStart { get; set; }
        [ParquetTimestamp(ParquetTimestampResolution.Milliseconds, true, true)] public DateTime ChargePeriodEnd { get; set; }
        public string BillingAccountId { get; set; } = "";
        public string? BillingAccountName { get; set; }
        public string BillingCurrency { get; set; } = "USD";
        public string ChargeCategory { get; set; } = "Usage";
        public string? ChargeClass { get; set; }
        public string? ChargeDescription { get; set; }
        public string? PricingUnit { get; set; }
        public string ServiceName { get; set; } = "";
        public string ServiceCategory { get; set; } = "Compute";
        public string ProviderName { get; set; } = "AWS";
        public string PublisherName { get; set; } = "AWS";
        public string InvoiceIssuerName { get; set; } = "Amazon Web Services, Inc.";
        public string? ResourceId { get; set; }
        public Dictionary<string, string> Tags { get; set; } = [];
    }

    /// <summary>Tags a STRUCT, money DOUBLE, timestamps in microseconds without time zone (local-time semantics, read as UTC).</summary>
    public sealed class StructDoubleMicrosRow
    {
        public double BilledCost { get; set; }
        public double EffectiveCost { get; set; }
        public double ListCost { get; set; }
        public double? ContractedCost { get; set; }
        public double? PricingQuantity { get; set; }
        [ParquetTimestamp(ParquetTimestampResolution.Microseconds, true, false)] public DateTime BillingPeriodStart { get; set; }
        [ParquetTimestamp(ParquetTimestampResolution.Microseconds, true, false)] public DateTime BillingPeriodEnd { get; set; }
        [ParquetTimestamp(ParquetTimestampResolution.Microseconds, true, false)] public DateTime ChargePeriodStart { get; set; }
        [ParquetTimestamp(ParquetTimestampResolution.Microseconds, true, false)] public DateTime ChargePeriodEnd { get; set; }
        public string BillingAccountId { get; set; } = "";
        public string? BillingAccountName { get; set; }
        public string BillingCurrency { get; set; } = "USD";
        public string ChargeCategory { get; set; } = "Usage";
        public string? ChargeClass { get; set; }
        public string? ChargeDescription { get; set; }
        public string? PricingUnit { get; set; }
        public string ServiceName { get; set; } = "";
        public string ServiceCategory { get; set; } = "Compute";
        public string ProviderName { get; set; } = "AWS";
        public string PublisherName { get; set; } = "AWS";
        public string InvoiceIssuerName { get; set; } = "Amazon Web Services, Inc.";
        public string? ResourceId { get; set; }
        public TagsStruct Tags { get; set; } = new();
    }

    private static IEnumerable<FocusRow> CsvRows(string account) => Charges.Select((c, i) =>
        FocusCsvWriter.Usage(Hour(i), c.Cost, "AWS", c.Service, "Compute", "us-east-1", $"r-{i}", c.Tags, account));

    private async Task<(Guid Import, CostImportView View)> ImportParquetAsync<T>(IEnumerable<T> rows, string name)
    {
        using var file = new MemoryStream();
        // Three row groups of two rows; strings dictionary-encoded (the default for repeated values).
        await ParquetSerializer.SerializeAsync(rows, file, new Parquet.ParquetOptions { RowGroupSize = 2, DictionaryEncodingThreshold = 0.99 });
        file.Position = 0;
        await using (var check = await Parquet.ParquetReader.CreateAsync(file, null, leaveStreamOpen: true))
        {
            Assert.Equal(3, check.RowGroupCount);
        }
        using var admin = factory.AdminClient();
        var response = await CostKit.ImportAsync(admin, file.ToArray(), name, "application/vnd.apache.parquet");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var view = (await response.Content.ReadFromJsonAsync<CostImportView>())!;
        return (view.Id, view);
    }

    private async Task<List<(long Line, string? Team, string? Component, string? Environment, decimal Billed, DateTime Start)>> AttributionAsync(Guid import)
    {
        await using var db = await factory.DbAsync();
        return (await db.CostLineItems.Where(c => c.ImportId == import).OrderBy(c => c.Line)
            .Select(c => new { c.Line, c.Team, c.Component, c.Environment, c.BilledCost, c.ChargePeriodStart }).ToListAsync())
            .Select(c => (c.Line, c.Team, c.Component, c.Environment, c.BilledCost, c.ChargePeriodStart)).ToList();
    }

    private async Task<List<(long Line, string? Team, string? Component, string? Environment, decimal Billed, DateTime Start)>> CsvTwinAsync(string account)
    {
        using var admin = factory.AdminClient();
        var response = await CostKit.ImportAsync(admin, $"{account}.csv", CsvRows(account));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await AttributionAsync((await response.Content.ReadFromJsonAsync<CostImportView>())!.Id);
    }

    [Fact]
    public async Task Tags_as_a_map_with_decimal_38_18_and_millisecond_timestamps_attribute_like_the_csv()
    {
        var rows = Charges.Select((c, i) => new MapDecimalMillisRow
        {
            BilledCost = c.Cost, EffectiveCost = c.Cost, ListCost = c.Cost, ContractedCost = c.Cost, PricingQuantity = 1,
            BillingPeriodStart = Month, BillingPeriodEnd = Month.AddMonths(1), ChargePeriodStart = Hour(i), ChargePeriodEnd = Hour(i).AddHours(1),
            BillingAccountId = "pq-map", BillingAccountName = "Northwind", ServiceName = c.Service, ResourceId = $"r-{i}", PricingUnit = "Hours",
            ChargeDescription = $"{c.Service} usage", Tags = c.Tags,
        }).ToList();

        var (import, view) = await ImportParquetAsync(rows, "aws-data-export.parquet");

        Assert.Equal((6, 0), (view.Rows, view.RejectedRows));
        Assert.Equal(Charges.Sum(c => c.Cost), view.BilledCost); // DECIMAL(38,18) kept to the last digit
        var parquet = await AttributionAsync(import);
        var csv = await CsvTwinAsync("pq-map-csv");
        Assert.Equal(csv.Select(c => (c.Team, c.Component, c.Environment, c.Billed, c.Start)), parquet.Select(c => (c.Team, c.Component, c.Environment, c.Billed, c.Start)));
        Assert.Equal("group:default/payments", parquet[0].Team); // not everything "(unallocated)"
        Assert.Equal("component:default/payment-gateway", parquet[1].Component);
    }

    [Fact]
    public async Task Tags_as_a_struct_with_double_money_and_microsecond_timestamps_without_zone_attribute_like_the_csv()
    {
        var rows = Charges.Select((c, i) => new StructDoubleMicrosRow
        {
            BilledCost = (double)c.Cost, EffectiveCost = (double)c.Cost, ListCost = (double)c.Cost, ContractedCost = (double)c.Cost, PricingQuantity = 1,
            BillingPeriodStart = DateTime.SpecifyKind(Month, DateTimeKind.Unspecified), BillingPeriodEnd = DateTime.SpecifyKind(Month.AddMonths(1), DateTimeKind.Unspecified),
            ChargePeriodStart = DateTime.SpecifyKind(Hour(i), DateTimeKind.Unspecified), ChargePeriodEnd = DateTime.SpecifyKind(Hour(i).AddHours(1), DateTimeKind.Unspecified),
            BillingAccountId = "pq-struct", ServiceName = c.Service, ResourceId = $"r-{i}",
            Tags = new TagsStruct
            {
                team = c.Tags.GetValueOrDefault("team"), env = c.Tags.GetValueOrDefault("env"), environment = c.Tags.GetValueOrDefault("environment"),
                component = c.Tags.GetValueOrDefault("component"), app = c.Tags.GetValueOrDefault("app"),
            },
        }).ToList();

        var (import, view) = await ImportParquetAsync(rows, "struct-tags.parquet");

        Assert.Equal((6, 0), (view.Rows, view.RejectedRows));
        var parquet = await AttributionAsync(import);
        var csv = await CsvTwinAsync("pq-struct-csv");
        Assert.Equal(csv.Select(c => (c.Team, c.Component, c.Environment, c.Start)), parquet.Select(c => (c.Team, c.Component, c.Environment, c.Start)));
        // DOUBLE carries what a double can: each cost equals the double's shortest round-trip text.
        Assert.Equal(Charges.Select(c => decimal.Parse(((double)c.Cost).ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture)), parquet.Select(c => c.Billed));
        Assert.Equal("staging", parquet[2].Environment);
        Assert.Equal("group:default/platform", parquet[5].Team); // growth is no team; the ci-runners component brings its owner
    }
}
