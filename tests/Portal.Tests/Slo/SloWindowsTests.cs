using Portal.Web.Features.Slo;
using Portal.Web.Features.Slo.Ingestion;

namespace Portal.Tests.Slo;

/// <summary>Windows as minute, hour and day rows: every minute of the window counted exactly once.</summary>
public sealed class SloWindowsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 34, 20, TimeSpan.Zero);
    private static readonly DateTimeOffset End = new(2026, 11, 26, 12, 35, 0, TimeSpan.Zero); // the minute 12:34, exclusive end

    [Theory]
    [InlineData(5)]
    [InlineData(60)]
    [InlineData(120)]
    [InlineData(1440)]
    [InlineData(4320)]
    public void A_burn_window_is_covered_minute_for_minute_by_edges_and_whole_hours_and_days(int minutes)
    {
        var (start, segments) = SloWindows.Cover(End.AddMinutes(-minutes), End, Now, CountRetention.Default);

        Assert.Equal(End.AddMinutes(-minutes), start);
        Assert.Equal(minutes, segments.Sum(s => (s.To - s.From).TotalMinutes));
        Assert.All(segments, s => Assert.Equal(s.From, CountSpans.Floor(s.Span, s.From)));
        Assert.All(segments.Zip(segments.Skip(1)), p => Assert.Equal(p.First.To, p.Second.From));
        if (minutes == 4320)
        {
            // 3 days from 12:35: 25 minutes, 11 hours, 2 days, 12 hours, 35 minutes.
            Assert.Equal([(CountSpans.Minute, 25), (CountSpans.Hour, 11 * 60), (CountSpans.Day, 2 * 1440), (CountSpans.Hour, 12 * 60), (CountSpans.Minute, 35)],
                segments.Select(s => (s.Span, (int)(s.To - s.From).TotalMinutes)));
        }
    }

    [Fact]
    public void A_period_reaching_past_the_minutes_kept_starts_at_its_first_whole_hour()
    {
        var (start, segments) = SloWindows.Cover(End.AddDays(-30), End, Now, CountRetention.Default);

        Assert.Equal(new DateTimeOffset(2026, 10, 27, 13, 0, 0, TimeSpan.Zero), start);
        Assert.Equal(Enumerable.Range(0, 1).Select(_ => CountSpans.Hour), segments.Take(1).Select(s => s.Span));
        Assert.Equal((End - start).TotalMinutes, segments.Sum(s => (s.To - s.From).TotalMinutes));
    }

    [Fact]
    public void A_minute_is_a_good_slice_only_with_events_and_its_ratio_at_the_target()
    {
        Assert.True(SloCountStore.GoodSlice(95, 100, 0.95m));
        Assert.False(SloCountStore.GoodSlice(94, 100, 0.95m));
        Assert.False(SloCountStore.GoodSlice(0, 0, 0.95m));
    }
}
