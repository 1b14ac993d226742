using Portal.Web.Features.Slo;
using Portal.Web.Features.Slo.Ingestion;

namespace Portal.Tests.Slo;

public sealed class SloMathTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 30, TimeSpan.Zero);

    private static List<MinuteCounts> Minutes(int count, long good, long total) =>
        Enumerable.Range(0, count).Select(i => new MinuteCounts(SloMath.MinuteOf(Now).AddMinutes(-i), good, total)).ToList();

    [Theory]
    [InlineData(30, 14.4, 6, 3, 1)]
    [InlineData(28, 13.44, 5.6, 2.8, 0.933333)]
    [InlineData(7, 3.36, 1.4, 0.7, 0.233333)]
    public void Factors_scale_with_the_period_as_budget_share_times_period_over_long_window(int days, double page1, double page2, double ticket1, double ticket2)
    {
        var period = TimeSpan.FromDays(days);

        Assert.Equal([(decimal)page1, (decimal)page2, (decimal)ticket1, (decimal)ticket2], SloMath.DefaultRules.Select(r => r.Factor(period)));
    }

    [Fact]
    public void A_burn_of_exactly_the_factor_does_not_fire_and_one_event_more_does()
    {
        // 99.9 %: 14.4x burn over an hour of 1,000 requests a minute is exactly 864 bad of 60,000.
        Assert.False(SloMath.Exceeds(60_000 - 864, 60_000, 0.999m, 14.4m));
        Assert.True(SloMath.Exceeds(60_000 - 865, 60_000, 0.999m, 14.4m));
    }

    [Fact]
    public void Windows_are_the_last_whole_minutes_including_the_current_one()
    {
        var minutes = Minutes(10, 9, 10);

        Assert.Equal((45L, 50L), SloMath.Sum(minutes, SloMath.MinuteOf(Now), TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void Without_events_there_is_no_sli_and_no_burn_rate()
    {
        var figures = SloMath.Compute([], Now, 0.999m, TimeSpan.FromDays(30), SloMath.DefaultRules, 0);

        Assert.Null(figures.Sli);
        Assert.All(figures.BurnRates.Values, Assert.Null);
        Assert.Null(figures.ErrorBudget.Remaining);
        Assert.DoesNotContain(figures.Rules, r => r.Firing);
    }

    [Fact]
    public void Budget_burn_rates_and_time_to_exhaustion_follow_the_workbook()
    {
        // 30 days, 99 % target; 1,000 requests a minute; the last day has 4 % errors, before that 0.5 %.
        var period = TimeSpan.FromDays(30);
        var minutes = Enumerable.Range(0, 43_200).Select(i => new MinuteCounts(SloMath.MinuteOf(Now).AddMinutes(-i), i < 1440 ? 960 : 995, 1000)).ToList();

        var figures = SloMath.Compute(minutes, Now, 0.99m, period, SloMath.DefaultRules, 0);

        var bad = 1440 * 40 + (43_200 - 1440) * 5;
        Assert.Equal(1m - (decimal)bad / 43_200_000, figures.Sli);
        Assert.Equal(1 - (decimal)bad / 43_200_000 / 0.01m, figures.ErrorBudget.Remaining);
        Assert.Equal(4m, figures.BurnRates["1h"]);
        Assert.Equal(4m, figures.BurnRates["5m"]);
        Assert.Equal(4m, figures.BurnRates["1d"]);
        Assert.Equal((decimal)(1440 * 40 + 2880 * 5) / 4_320_000 / 0.01m, figures.BurnRates["3d"]);
        Assert.Equal(figures.ErrorBudget.Remaining!.Value * 720m / 4m, (decimal)figures.TimeToExhaustion!.Value.TotalHours, 3);
        Assert.Equal([false, false, true, true], figures.Rules.Select(r => r.Firing)); // 4x: below 14.4 and 6; above 3, and 1.67x over 3 days above 1
    }

    [Fact]
    public void Low_traffic_keeps_burn_rate_alerts_quiet_and_says_so()
    {
        var minutes = Minutes(60, 0, 1); // every request fails, but only 60 of them

        var figures = SloMath.Compute(minutes, Now, 0.999m, TimeSpan.FromDays(30), SloMath.DefaultRules, minEvents: 100);

        Assert.DoesNotContain(figures.Rules, r => r.Firing);
        Assert.StartsWith("Not evaluated: 60 events in the last 1h, fewer than the minimum of 100", figures.Rules[0].Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Latency_counts_come_from_buckets_exactly_at_a_bound_and_interpolated_inside_one()
    {
        var buckets = new Dictionary<string, long> { ["0.1"] = 50, ["0.3"] = 40, ["1"] = 8, ["+Inf"] = 2 };

        Assert.Equal((90L, false), SliMinutes.AtOrBelow(buckets, 0.3));
        Assert.Equal((70L, true), SliMinutes.AtOrBelow(buckets, 0.2));
    }

    [Fact]
    public void Timeslices_count_good_minutes()
    {
        var slo = new SloDefinition { Name = "x", ComponentRef = "c", Indicator = SliKinds.Availability, CreatedBy = "t", Target = 0.99m,
            BudgetingMethod = "Timeslices", TimesliceTarget = 0.95m };
        var rows = new[]
        {
            new ServiceMinute { ComponentRef = "c", Minute = Now, Requests = 100, Errors = 10 },
            new ServiceMinute { ComponentRef = "c", Minute = Now.AddMinutes(-1), Requests = 100, Errors = 1 },
            new ServiceMinute { ComponentRef = "c", Minute = Now.AddMinutes(-2), Requests = 0, Errors = 0 },
        };

        var (minutes, _) = SliMinutes.From(slo, rows);

        Assert.Equal([(0L, 1L), (1L, 1L)], minutes.Select(m => (m.Good, m.Total)));
    }

    [Fact]
    public void A_calendar_month_window_starts_at_the_month_in_its_time_zone()
    {
        var slo = new SloDefinition { Name = "x", ComponentRef = "c", Indicator = SliKinds.Availability, CreatedBy = "t", WindowKind = "calendar", TimeZone = "Europe/Berlin" };

        var (start, period) = slo.WindowAt(new DateTimeOffset(2026, 11, 15, 10, 0, 0, TimeSpan.Zero));

        Assert.Equal(new DateTimeOffset(2026, 10, 31, 23, 0, 0, TimeSpan.Zero), start);
        Assert.Equal(TimeSpan.FromDays(30), period);
    }
}
