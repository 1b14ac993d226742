using Portal.Web.Components;
using Portal.Web.Features.Slo;
using Portal.Web.Features.Slo.Ingestion;
using Portal.Web.Features.Slo.Pages;

namespace Portal.Tests.Slo;

public sealed class SloSeriesTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 6, 6, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_figures_table_and_tooltips_name_every_step()
    {
        var times = Enumerable.Range(0, 24).Select(i => Start.AddMinutes(5 * i)).ToList();

        var table = SloSeries.AllLabels(times);

        Assert.Equal(24, table.Length);
        Assert.Equal("06:00", table[0]);
        Assert.Equal("06:05", table[1]);
        Assert.Equal("07:55", table[^1]);
    }

    [Fact]
    public void Steps_over_more_than_a_day_carry_the_date()
    {
        Assert.Equal(["12-06 06:00", "12-07 12:00"], SloSeries.AllLabels([Start, Start.AddHours(30)]));
        Assert.Empty(SloSeries.AllLabels([]));
    }

    [Fact]
    public void One_minute_of_data_is_one_step_with_its_sli_and_the_chart_draws_it_as_a_point()
    {
        // An SLO created a minute ago: the minute that has data, and the current one without any yet.
        var minute = Start.AddHours(5);
        var (steps, step) = SloSeries.Sli([new MinuteCounts(minute, 95, 100)], Start, minute.AddMinutes(1), TimeSpan.FromDays(7), 0.99m);

        Assert.Equal(TimeSpan.FromMinutes(1), step);
        Assert.Equal([minute, minute.AddMinutes(1)], steps.Select(s => s.At));
        Assert.Equal(0.95m, steps[0].Sli);
        Assert.Null(steps[1].Sli); // no data is a gap, not 0 % or 100 %
        Assert.True(steps[0].BudgetRemaining < 0); // 5 % bad of a 1 % budget: spent five times over
        Assert.True(ChartMarkers.Needed(steps.Select(s => s.Sli is { } v ? (double?)(double)v : null).ToList()));
    }

    [Fact]
    public void Minutes_without_events_are_gaps_between_the_steps_that_have_them()
    {
        var minutes = Enumerable.Range(0, 60).Where(i => i < 10 || i >= 50).Select(i => new MinuteCounts(Start.AddMinutes(i), 99, 100)).ToList();
        var (steps, step) = SloSeries.Sli(minutes, Start, Start.AddMinutes(59), TimeSpan.FromDays(7), 0.9m);

        Assert.Equal(TimeSpan.FromMinutes(1), step);
        Assert.Equal(60, steps.Count);
        Assert.All(steps.Skip(10).Take(40), s => Assert.Null(s.Sli));
        Assert.All(steps.Take(10).Concat(steps.Skip(50)), s => Assert.Equal(0.99m, s.Sli));
        // The burn-down carries on through the gap: the budget left does not vanish while nothing arrives.
        Assert.All(steps.Skip(10).Take(40), s => Assert.Equal(steps[9].BudgetRemaining, s.BudgetRemaining));
    }

    [Fact]
    public void Red_steps_without_requests_have_no_error_ratio_or_duration()
    {
        var end = Start.AddMinutes(30);
        var rows = new List<ServiceMinute>
        {
            new() { ComponentRef = "component:default/a", Minute = Start, Requests = 10, Errors = 1, DurationSum = 2 },
            new() { ComponentRef = "component:default/a", Minute = end, Requests = 4, Errors = 0, DurationSum = 0.4 },
        };
        var (steps, step) = SloSeries.Red(rows, Start, end);

        Assert.Equal(TimeSpan.FromMinutes(1), step);
        Assert.Equal(31, steps.Count);
        Assert.Equal((0.1, 0.2), (steps[0].ErrorRatio!.Value, steps[0].MeanSeconds!.Value));
        Assert.All(steps.Skip(1).Take(29), s => Assert.Equal((0L, (double?)null, (double?)null), (s.Requests, s.ErrorRatio, s.MeanSeconds)));
        Assert.Equal(0.1, steps[^1].MeanSeconds!.Value, 6);
        Assert.True(ChartMarkers.Needed(steps.Select(s => s.ErrorRatio).ToList()));
    }

    [Theory]
    [InlineData("1", true)]                  // one reading: no line without a marker
    [InlineData("1,1", true)]                // too few readings for a readable line
    [InlineData("1,-,1", true)]              // readings between gaps
    [InlineData("-,-,-", false)]             // nothing to draw: the page says "no data" instead
    public void Sparse_series_are_drawn_with_markers(string values, bool expected) =>
        Assert.Equal(expected, ChartMarkers.Needed(Parse(values)));

    [Fact]
    public void A_dense_series_with_a_gap_longer_than_one_step_is_drawn_as_lines()
    {
        var values = Enumerable.Range(0, 60).Select(i => i is >= 20 and < 30 ? null : (double?)i).ToList();
        Assert.False(ChartMarkers.Needed(values));
        values[40] = null;
        values[42] = null; // 41 now stands alone
        Assert.True(ChartMarkers.Needed(values));
    }

    private static List<double?> Parse(string values) => values.Split(',').Select(v => v == "-" ? null : (double?)double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToList();
}
