using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Portal.TestSupport;
using Portal.Web.Features.Cost;

namespace Portal.IntegrationTests.Cost;

/// <summary>Budgets over the API, and their alerts reaching a real webhook receiver once per threshold.</summary>
public sealed class CostBudgetTests(PortalAppFactory factory, WebhookRecorder webhook)
    : IClassFixture<PortalAppFactory>, IClassFixture<WebhookRecorder>, IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        factory.Settings["Portal:Notifications:WebhookUrl"] = webhook.Url;
        await factory.SeedDemoAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_team_over_its_budget_is_alerted_once_per_threshold_and_the_budget_shows_its_spend()
    {
        // One charge an hour ago (kept inside the current month), 90.00 for payments.
        var hour = DateTime.UtcNow.AddHours(-1);
        hour = new DateTime(hour.Year, hour.Month, hour.Day, hour.Hour, 0, 0, DateTimeKind.Utc);
        if (hour.AddHours(1).Month != hour.Month)
        {
            hour = hour.AddHours(-1);
        }
        FocusRow[] rows =
        [
            FocusCsvWriter.Usage(hour, 90.00m, "AWS", "Amazon EC2", "Compute", "us-east-1", "i-budget",
                new Dictionary<string, string> { ["team"] = "payments" }, "budget-test-account"),
        ];
        using var admin = factory.AdminClient();
        Assert.Equal(HttpStatusCode.Created, (await CostKit.ImportAsync(admin, "this-month.csv", rows)).StatusCode);

        var invalid = await admin.PutAsJsonAsync("/api/cost/budgets", new BudgetRequest("payments", -5m));
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var unknown = await admin.PutAsJsonAsync("/api/cost/budgets", new BudgetRequest("marketing", 100m));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/cost/budgets", new BudgetRequest("payments", 100m))).StatusCode);

        var job = factory.Services.GetRequiredService<CostBudgetAlertJob>();
        await job.RunAsync(CancellationToken.None);
        await job.RunAsync(CancellationToken.None); // a second run sends nothing new

        var alerts = webhook.Events("cost.budget");
        Assert.Single(alerts, a => a.GetProperty("fields").GetProperty("threshold").GetString() == "80"
            && a.GetProperty("fields").GetProperty("basis").GetString() == "actual");
        Assert.Contains("payments has spent 90.00 USD", alerts[0].GetProperty("message").GetString(), StringComparison.Ordinal);
        var budgets = (await admin.GetFromJsonAsync<List<BudgetView>>("/api/cost/budgets"))!;
        var payments = Assert.Single(budgets, b => b.Team == "group:default/payments");
        Assert.Equal(90.00m, payments.MonthToDate);
        Assert.Equal(90.0m, payments.PercentUsed);
        await AuditAssert.RecordedAsync(factory, "cost.budget.set", "budget:group:default/payments", "bootstrap-admin-token");
    }
}
