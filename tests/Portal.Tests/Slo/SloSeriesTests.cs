using Portal.Web.Features.Slo.Pages;

namespace Portal.Tests.Slo;

public sealed class SloSeriesTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 6, 6, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_chart_axis_names_about_eight_steps_and_the_figures_table_names_every_one()
    {
        var times = Enumerable.Range(0, 24).Select(i => Start.AddMinutes(5 * i)).ToList();

        var axis = SloSeries.Labels(times);
        var table = SloSeries.AllLabels(times);

        Assert.Equal(24, axis.Length);
        Assert.Equal(8, axis.Count(l => l.Length > 0));
        Assert.Equal("06:00", axis[0]);
        Assert.Equal("", axis[1]);
        Assert.Equal(24, table.Length);
        Assert.Equal("06:05", table[1]);
        Assert.Equal("07:55", table[^1]);
    }

    [Fact]
    public void Steps_over_more_than_a_day_carry_the_date()
    {
        Assert.Equal(["12-06 06:00", "12-07 12:00"], SloSeries.AllLabels([Start, Start.AddHours(30)]));
        Assert.Empty(SloSeries.AllLabels([]));
    }
}
