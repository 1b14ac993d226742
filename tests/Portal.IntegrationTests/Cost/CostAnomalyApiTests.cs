using System.Net;
using System.Net.Http.Json;
using Portal.Web.Features.Cost;

namespace Portal.IntegrationTests.Cost;

public sealed class CostAnomalyApiTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IAsyncLifetime
{
    public Task InitializeAsync() => factory.SeedDemoAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_spike_is_reported_with_the_service_and_the_resource_that_grew()
    {
        var start = new DateTime(2026, 9, 1, 0, 0, 0, DateTimeKind.Utc);
        var payments = new Dictionary<string, string> { ["team"] = "payments" };
        var rows = new List<FocusRow>();
        for (var d = 0; d < 40; d++)
        {
            var day = start.AddDays(d);
            rows.Add(FocusCsvWriter.Usage(day, d % 2 == 0 ? 9.00m : 11.00m, "AWS", "Amazon EC2", "Compute", "us-east-1", "i-steady", payments));
            if (d == 36)
            {
                rows.Add(FocusCsvWriter.Usage(day.AddHours(3), 80.00m, "AWS", "Amazon SageMaker", "AI and Machine Learning", "us-east-1", "ml-runaway", payments));
            }
        }
        using var admin = factory.AdminClient();
        Assert.Equal(HttpStatusCode.Created, (await CostKit.ImportAsync(admin, "spike.csv", rows)).StatusCode);

        var anomalies = (await admin.GetFromJsonAsync<List<CostAnomaly>>("/api/cost/anomalies?groupBy=team&days=10"))!;

        var spike = Assert.Single(anomalies);
        Assert.Equal(("group:default/payments", start.AddDays(36)), (spike.Key, spike.Day));
        Assert.Equal(89.00m, spike.Cost);
        Assert.Equal(10.00m, spike.Mean);
        Assert.Contains("AI and Machine Learning (Amazon SageMaker) rose by 80.00", spike.Explanation, StringComparison.Ordinal);
        Assert.Contains("ml-runaway", spike.Explanation, StringComparison.Ordinal);
    }
}
