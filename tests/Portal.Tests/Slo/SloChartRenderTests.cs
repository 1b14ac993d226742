using Bunit;
using Microsoft.AspNetCore.Components.Web;
using MudBlazor.Services;
using Portal.Web.Features.Slo;
using Portal.Web.Components.Shared;
using Portal.Web.Features.Slo.Ingestion;
using Portal.Web.Features.Slo.Pages;

namespace Portal.Tests.Slo;

/// <summary>
/// The SLO page's line charts rendered with bUnit (issue #24): the series built from minutes with gaps and sparse
/// readings are drawn as points when no line could show them, and the figures table says "no data" for a gap.
/// </summary>
public sealed class SloChartRenderTests : BunitContext
{
    private static readonly DateTimeOffset Start = new(2026, 12, 6, 6, 0, 0, TimeSpan.Zero);

    public SloChartRenderTests()
    {
        Services.AddMudServices();
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    private IRenderedComponent<FigureChart> Chart(IReadOnlyList<MinuteCounts> minutes, DateTimeOffset end)
    {
        var (steps, _) = SloSeries.Sli(minutes, Start, end, TimeSpan.FromDays(7), 0.99m);
        var times = steps.Select(s => s.At).ToList();
        return Render<FigureChart>(p => p
            .Add(c => c.Series, [SloSeries.Series("SLI", steps.Select(s => s.Sli is { } v ? (double?)(double)(v * 100) : null))])
            .Add(c => c.Times, SloSeries.AllLabels(times))
            .Add(c => c.Caption, "SLI over time, percent")
            .Add(c => c.FitToCard, false) // bUnit has no browser to measure the card
            .Add(c => c.FiguresTestId, "figures"));
    }

    /// <summary>Drawn markers: MudBlazor lays a transparent hover target (opacity 0) over each one.</summary>
    private static int Markers(IRenderedComponent<FigureChart> chart) => chart.FindAll("svg circle").Count(c => c.GetAttribute("opacity") != "0");

    [Fact]
    public void One_minute_of_data_is_drawn_as_a_point_and_the_empty_minute_after_it_as_no_data()
    {
        var minute = Start.AddHours(5);

        var chart = Chart([new MinuteCounts(minute, 98, 100)], minute.AddMinutes(1));

        Assert.Equal(1, Markers(chart));
        var cells = chart.FindAll("[data-testid=figures] tbody td").Select(td => td.TextContent).ToList();
        Assert.Equal(["98", "no data"], cells);

        // Hovering the point names its series, exact value and time (the axis names only some steps).
        chart.FindAll("svg circle").First(c => c.GetAttribute("opacity") == "0").TriggerEvent("onmouseover", new MouseEventArgs());
        chart.WaitForAssertion(() => Assert.Contains("SLI: 98", chart.Markup, StringComparison.Ordinal));
        var tooltip = chart.FindAll("svg g").Last(g => g.TextContent.Contains("SLI: 98", StringComparison.Ordinal));
        Assert.Contains("11:00", tooltip.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_reading_alone_between_gaps_is_drawn_as_a_point_though_the_rest_are_lines()
    {
        // 40 minutes of data, a 10-minute gap, one lone minute, another gap, then 8 minutes.
        var minutes = Enumerable.Range(0, 60).Where(i => i < 40 || i == 45 || i >= 52)
            .Select(i => new MinuteCounts(Start.AddMinutes(i), i == 45 ? 90 : 99, 100)).ToList();

        var chart = Chart(minutes, Start.AddMinutes(59));

        Assert.True(Markers(chart) >= 1, "the lone minute is drawn");
        var cells = chart.FindAll("[data-testid=figures] tbody td").Select(td => td.TextContent).ToList();
        Assert.Equal(60, cells.Count);
        Assert.Equal("90", cells[45]);
        Assert.All(cells.Skip(40).Take(5).Concat(cells.Skip(46).Take(6)), c => Assert.Equal("no data", c));
    }

    [Fact]
    public void A_full_hour_of_readings_is_a_line_without_markers()
    {
        var minutes = Enumerable.Range(0, 60).Select(i => new MinuteCounts(Start.AddMinutes(i), 99, 100)).ToList();

        var chart = Chart(minutes, Start.AddMinutes(59));

        Assert.Equal(0, Markers(chart));
        Assert.NotEmpty(chart.FindAll("svg path.mud-chart-line, svg path"));
    }

    [Fact]
    public void Hovering_a_bar_names_its_series_exact_value_and_day()
    {
        string[] days = ["2026-12-01", "2026-12-02", "2026-12-03"];
        var chart = Render<FigureChart>(p => p
            .Add(c => c.Type, MudBlazor.ChartType.StackedBar)
            .Add(c => c.Series, [SloSeries.Series("Succeeded", [100, 120, 90]), SloSeries.Series("Server errors", [1, 7, 0])])
            .Add(c => c.Times, days)
            .Add(c => c.Caption, "Requests per day")
            .Add(c => c.FitToCard, false));

        // Every bar's tooltip names its own series, value and day.
        var seen = new List<string>();
        for (var i = 0; i < chart.FindAll("svg path.mud-chart-bar").Count; i++)
        {
            chart.FindAll("svg path.mud-chart-bar")[i].TriggerEvent("onmouseover", new MouseEventArgs());
            seen.Add(string.Join(" | ", chart.FindAll("g.mud-chart-tooltip tspan").Select(t => t.TextContent)));
        }
        Assert.Contains("Succeeded: 100 | 2026-12-01", seen);
        Assert.Contains("Server errors: 1 | 2026-12-01", seen);
        Assert.Contains("Succeeded: 120 | 2026-12-02", seen);
        Assert.Contains("Server errors: 7 | 2026-12-02", seen);
        Assert.Contains("Succeeded: 90 | 2026-12-03", seen);
    }

    [Fact]
    public void The_axis_names_about_eight_of_sixty_steps_and_every_step_keeps_its_time()
    {
        var minutes = Enumerable.Range(0, 60).Select(i => new MinuteCounts(Start.AddMinutes(i), 99, 100)).ToList();

        var chart = Chart(minutes, Start.AddMinutes(59));

        Assert.Equal(60, chart.FindAll("g.mud-charts-xaxis text").Count);
        Assert.Contains(".mud-charts-xaxis text:not(:nth-of-type(8n+1)) { display: none; }", chart.Find("style").TextContent, StringComparison.Ordinal);
    }
}
