using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Portal.TestSupport;
using Portal.Web.Features.Cost;

namespace Portal.IntegrationTests.Cost;

/// <summary>
/// Half an hour into a new month, before any charge of it is imported, budgets report the month that just ended: its last
/// charge ends exactly at midnight and belongs to the day before. One test per class: the factory keeps its first clock.
/// </summary>
public sealed class BudgetMonthStartTests(PortalAppFactory factory, WebhookRecorder webhook)
    : IClassFixture<PortalAppFactory>, IClassFixture<WebhookRecorder>, IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 0, 30, 0, TimeSpan.Zero));

    public async Task InitializeAsync()
    {
        factory.ReplaceServices = services => services.AddSingleton<TimeProvider>(_clock);
        factory.Settings["Portal:Notifications:WebhookUrl"] = webhook.Url;
        await factory.SeedDemoAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task On_the_first_before_new_charges_a_budget_shows_and_alerts_the_month_that_just_ended()
    {
        FocusRow[] rows =
        [
            FocusCsvWriter.Usage(new DateTime(2026, 11, 15, 10, 0, 0, DateTimeKind.Utc), 40.00m, "AWS", "Amazon EC2", "Compute", "us-east-1", "i-month-end",
                new Dictionary<string, string> { ["team"] = "payments" }, "month-end-account"),
            // The newest charge: the last hour of November, ending at 00:00 on December 1st.
            FocusCsvWriter.Usage(new DateTime(2026, 11, 30, 23, 0, 0, DateTimeKind.Utc), 50.00m, "AWS", "Amazon EC2", "Compute", "us-east-1", "i-month-end",
                new Dictionary<string, string> { ["team"] = "payments" }, "month-end-account"),
        ];
        using var admin = factory.AdminClient();
        Assert.Equal(HttpStatusCode.Created, (await CostKit.ImportAsync(admin, "november.csv", rows)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/cost/budgets", new BudgetRequest("payments", 100m))).StatusCode);

        var budgets = (await admin.GetFromJsonAsync<List<BudgetView>>("/api/cost/budgets"))!;
        var payments = Assert.Single(budgets, b => b.Team == "group:default/payments");
        Assert.Equal(90.00m, payments.MonthToDate);
        Assert.Equal(90.00m, payments.Forecast); // the whole month has passed: the forecast is what was spent

        await factory.Services.GetRequiredService<CostBudgetAlertJob>().RunAsync(CancellationToken.None);
        var alert = Assert.Single(webhook.Events("cost.budget"));
        Assert.Contains("payments has spent 90.00 USD in 2026-11,", alert.GetProperty("message").GetString(), StringComparison.Ordinal);
    }
}
