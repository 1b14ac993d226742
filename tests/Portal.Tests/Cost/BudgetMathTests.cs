using Portal.Web.Features.Cost;

namespace Portal.Tests.Cost;

public sealed class BudgetMathTests
{
    private static CostBudget Budget(decimal amount, params int[] thresholds) =>
        new() { Team = "group:default/payments", MonthlyAmount = amount, Currency = "USD", CreatedBy = "t", Thresholds = [.. thresholds] };

    [Fact]
    public void The_forecast_projects_month_to_date_over_the_whole_month()
    {
        // 10 days of November (30 days) cost 100: the month is forecast at 300.
        Assert.Equal(300m, BudgetMath.Forecast(100m, new DateTime(2026, 11, 11, 0, 0, 0, DateTimeKind.Utc)));
        Assert.Equal(0m, BudgetMath.Forecast(0m, new DateTime(2026, 11, 11, 0, 0, 0, DateTimeKind.Utc)));
    }

    [Fact]
    public void Data_ending_at_midnight_on_the_first_belongs_to_the_month_that_just_ended()
    {
        Assert.Equal(new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc), BudgetMath.MonthStart(new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc)));
        Assert.Equal(new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc), BudgetMath.MonthStart(new DateTime(2026, 12, 1, 0, 0, 1, DateTimeKind.Utc)));
        Assert.Equal(new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc), BudgetMath.MonthStart(new DateTime(2026, 12, 15, 10, 0, 0, DateTimeKind.Utc)));
        Assert.Equal(new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc), BudgetMath.MonthStart(new DateTime(2027, 1, 1, 0, 0, 0, DateTimeKind.Utc)));
        // All of November spent 300: on December 1st at 00:00 the forecast is the month's total, not a projection of nothing.
        Assert.Equal(300m, BudgetMath.Forecast(300m, new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc)));
    }

    [Fact]
    public void Budgets_are_as_of_the_newest_charge_when_imports_lag_and_never_after_now()
    {
        var now = new DateTime(2026, 12, 7, 9, 0, 0, DateTimeKind.Utc);
        Assert.Equal(new DateTime(2026, 12, 7, 0, 0, 0, DateTimeKind.Utc), BudgetMath.AsOf(new DateTime(2026, 12, 7, 0, 0, 0, DateTimeKind.Utc), now));
        Assert.Equal(now, BudgetMath.AsOf(new DateTime(2026, 12, 8, 0, 0, 0, DateTimeKind.Utc), now));
        Assert.Equal(now, BudgetMath.AsOf(null, now));
    }

    [Fact]
    public void Thresholds_alert_on_actual_spend_first_and_on_the_forecast_otherwise()
    {
        var alerts = BudgetMath.Crossed(Budget(1000m, 80, 100), monthToDate: 850m, forecast: 1200m);

        Assert.Equal([(80, "actual"), (100, "forecast")], alerts.Select(a => (a.Threshold, a.Basis)));
        Assert.Equal(85.0m, alerts[0].Percent);
        Assert.Equal(120.0m, alerts[1].Percent);
        Assert.Empty(BudgetMath.Crossed(Budget(1000m, 80, 100), 100m, 300m));
        Assert.Empty(BudgetMath.Crossed(Budget(0m, 80), 100m, 300m));
    }
}
