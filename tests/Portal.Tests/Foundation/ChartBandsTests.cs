using Portal.Web.Components;
using Portal.Web.Infrastructure.Extensions;

namespace Portal.Tests.Foundation;

/// <summary>Which chart steps a marked range (a maintenance window) shades.</summary>
public sealed class ChartBandsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Step = TimeSpan.FromMinutes(10);
    private static readonly DateTimeOffset[] Steps = [.. Enumerable.Range(0, 6).Select(i => T0 + i * Step)]; // 10:00 ... 10:50

    [Fact]
    public void A_band_shades_every_step_it_overlaps_even_partly()
    {
        var band = Assert.Single(ChartBands.Mark(Steps, Step, [new TimeBand(T0.AddMinutes(15), T0.AddMinutes(31), "m")]));
        Assert.Equal(new ChartBand(1, 3, "m"), band);
    }

    [Fact]
    public void Edges_touching_a_step_do_not_shade_it_and_bands_outside_or_empty_shade_nothing()
    {
        Assert.Equal(new ChartBand(2, 2, "x"), Assert.Single(ChartBands.Mark(Steps, Step, [new TimeBand(T0.AddMinutes(20), T0.AddMinutes(30), "x")])));
        Assert.Empty(ChartBands.Mark(Steps, Step, [new TimeBand(T0.AddHours(-2), T0, "before")]));
        Assert.Empty(ChartBands.Mark(Steps, Step, [new TimeBand(T0.AddHours(1), T0.AddHours(2), "after")]));
        Assert.Empty(ChartBands.Mark(Steps, Step, [new TimeBand(T0.AddMinutes(20), T0.AddMinutes(20), "empty")]));
        Assert.Empty(ChartBands.Mark([], Step, [new TimeBand(T0, T0.AddHours(1), "no steps")]));
    }

    [Fact]
    public void A_band_longer_than_the_chart_shades_all_of_it_and_each_band_is_its_own_run()
    {
        var bands = ChartBands.Mark(Steps, Step, [new TimeBand(T0.AddDays(-1), T0.AddDays(1), "all"), new TimeBand(T0.AddMinutes(50), T0.AddMinutes(55), "last")]);
        Assert.Equal([new ChartBand(0, 5, "all"), new ChartBand(5, 5, "last")], bands);
    }

    [Theory]
    // Six points on the axis, five intervals of 20 %: a step owns half an interval either side of its point.
    [InlineData(0, 5, 0, 100)]      // all: the whole axis
    [InlineData(2, 2, 30, 20)]      // one step in the middle: centred on its point (40 %), one interval wide
    [InlineData(0, 0, 0, 10)]       // the first step: from the axis's start to half way to the second point
    [InlineData(5, 5, 90, 10)]      // the last step: stops at the axis's end
    [InlineData(1, 3, 10, 60)]
    public void A_run_lies_on_the_line_charts_axis_scale_from_its_first_point_to_its_last(int from, int to, double left, double width)
    {
        var (l, w) = ChartBands.Extent(new ChartBand(from, to, "m"), Steps.Length);
        Assert.Equal((left, width), (Math.Round(l, 6), Math.Round(w, 6)));
    }

    [Fact]
    public void A_chart_of_one_step_is_all_band()
    {
        Assert.Equal((0d, 100d), ChartBands.Extent(new ChartBand(0, 0, "m"), 1));
    }
}
