using System.Net;
using System.Net.Http.Json;
using Portal.Web.Features.Cost;

namespace Portal.IntegrationTests.Cost;

/// <summary>Attribution end to end: a generated FOCUS file with two teams' tags, untagged rows and a shared service.</summary>
public sealed class CostAttributionApiTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        factory.Settings["Portal:Cost:Attribution:SharedServices:0"] = "Shared Networking";
        await factory.SeedDemoAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Team_totals_unallocated_and_the_shared_split_equal_hand_computed_values_and_the_sum_is_kept()
    {
        var day = new DateTime(2026, 10, 5, 0, 0, 0, DateTimeKind.Utc);
        var payments = new Dictionary<string, string> { ["team"] = "payments" };
        var checkout = new Dictionary<string, string> { ["Service"] = "cart-service", ["env"] = "prod" }; // team from the component's owner
        var none = new Dictionary<string, string>();
        FocusRow[] rows =
        [
            FocusCsvWriter.Usage(day, 10.00m, "AWS", "Amazon EC2", "Compute", "us-east-1", "i-1", payments),
            FocusCsvWriter.Usage(day.AddHours(1), 20.50m, "AWS", "Amazon RDS", "Databases", "us-east-1", "db-1", payments),
            FocusCsvWriter.Usage(day, 12.25m, "Microsoft", "Virtual Machines", "Compute", "westeurope", "vm-1", checkout),
            FocusCsvWriter.Usage(day.AddHours(2), 17.75m, "Microsoft", "Storage", "Storage", "westeurope", "st-1", checkout),
            FocusCsvWriter.Usage(day, 7.77m, "AWS", "Amazon S3", "Storage", "us-east-1", "bucket-1", none),
            FocusCsvWriter.Usage(day, 10.00m, "AWS", "Shared Networking", "Networking", "us-east-1", null, payments),
        ];
        using var admin = factory.AdminClient();
        Assert.Equal(HttpStatusCode.Created, (await CostKit.ImportAsync(admin, "generated.csv", rows)).StatusCode);

        var summary = (await admin.GetFromJsonAsync<CostSummary>("/api/cost/summary?groupBy=team&from=2026-10-01&to=2026-11-01"))!;

        // Allocated: payments 30.50, checkout 30.00. Shared 10.00 → payments 10 × 30.50 / 60.50 = 5.04, checkout 4.96.
        var p = Assert.Single(summary.Rows, r => r.Key == "group:default/payments");
        var c = Assert.Single(summary.Rows, r => r.Key == "group:default/checkout");
        var u = Assert.Single(summary.Rows, r => r.Key == CostQueries.Unallocated);
        Assert.Equal(35.54m, p.EffectiveCost);
        Assert.Equal(5.04m, p.SharedCost);
        Assert.Equal(34.96m, c.EffectiveCost);
        Assert.Equal(4.96m, c.SharedCost);
        Assert.Equal(7.77m, u.EffectiveCost);
        Assert.Equal(10.00m, summary.SharedCost);
        Assert.Equal(78.27m, summary.EffectiveCost);
        Assert.Equal(summary.EffectiveCost, summary.Rows.Sum(r => r.EffectiveCost)); // nothing lost, nothing invented
        Assert.Equal(7.77m, summary.UnallocatedEffectiveCost);

        var byComponent = (await admin.GetFromJsonAsync<CostSummary>("/api/cost/summary?groupBy=component&from=2026-10-01&to=2026-11-01"))!;
        Assert.Equal(30.00m, Assert.Single(byComponent.Rows, r => r.Key == "component:default/cart-service").EffectiveCost);
        var daily = (await admin.GetFromJsonAsync<List<CostDailyPoint>>("/api/cost/daily?groupBy=team&from=2026-10-01&to=2026-11-01&team=payments"))!;
        Assert.Equal(30.50m, Assert.Single(daily).EffectiveCost);

        var csv = await admin.GetAsync(new Uri("/api/cost/summary.csv?groupBy=team&from=2026-10-01&to=2026-11-01", UriKind.Relative));
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("team,billedCost,effectiveCost,sharedCost,previousPeriodCost,change", lines[0]);
        Assert.Contains("\"group:default/payments\",30.50,35.54,5.04,0,", lines);
        var drivers = (await admin.GetStringAsync(new Uri("/api/cost/drivers.csv?from=2026-10-01&to=2026-11-01", UriKind.Relative))).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(6, drivers.Length); // header and the top 5
        Assert.StartsWith("\"Amazon RDS: db-1\",20.50,20.50", drivers[1], StringComparison.Ordinal);

        var bad = await admin.GetAsync(new Uri("/api/cost/summary?groupBy=colour", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }
}
