using Portal.Web.Features.Cost;

namespace Portal.Tests.Cost;

public sealed class CostRangeTests
{
    private static readonly DateTime Today = new(2026, 3, 15, 10, 30, 0, DateTimeKind.Utc);

    private static DateTime D(int y, int m, int d) => new(y, m, d, 0, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData("this-month", 2026, 3, 1, 2026, 4, 1)]
    [InlineData("last-month", 2026, 2, 1, 2026, 3, 1)]
    [InlineData("last-30", 2026, 2, 14, 2026, 3, 16)]
    [InlineData("last-90", 2025, 12, 16, 2026, 3, 16)]
    public void A_preset_is_counted_from_today_in_whole_days(string preset, int fy, int fm, int fd, int ty, int tm, int td)
    {
        var range = CostRange.Parse(preset, null, null, Today, D(2024, 9, 30), out var error);

        Assert.Null(error);
        Assert.Equal((preset, D(fy, fm, fd), D(ty, tm, td)), (range.Preset, range.From, range.To));
        Assert.Equal((preset, (string?)null, (string?)null), range.ToQuery());
    }

    [Fact]
    public void Last_30_and_90_days_hold_exactly_that_many_days_including_today()
    {
        Assert.Equal(30, CostRange.Parse("last-30", null, null, Today, null, out _).Days);
        Assert.Equal(90, CostRange.Parse("last-90", null, null, Today, null, out _).Days);
    }

    [Fact]
    public void By_default_the_period_is_the_30_days_up_to_the_newest_data_so_imported_history_is_visible()
    {
        // The FOCUS 1.0 sample's newest charge ends at midnight on 2024-10-01: that day holds none of it.
        var range = CostRange.Parse(null, null, null, Today, D(2024, 10, 1), out var error);
        Assert.Null(error);
        Assert.Equal((CostRange.Data, D(2024, 9, 1), D(2024, 10, 1)), (range.Preset, range.From, range.To));
        Assert.Equal("September 2024", range.Describe());

        var midDay = CostRange.Parse(null, null, null, Today, D(2024, 9, 20).AddHours(13), out _);
        Assert.Equal((D(2024, 8, 22), D(2024, 9, 21)), (midDay.From, midDay.To));
    }

    [Fact]
    public void A_custom_range_includes_both_days_and_round_trips_through_the_url()
    {
        var range = CostRange.Parse(null, "2024-09-01", "2024-09-30", Today, null, out var error);

        Assert.Null(error);
        Assert.Equal((CostRange.Custom, D(2024, 9, 1), D(2024, 10, 1)), (range.Preset, range.From, range.To));
        Assert.Equal(((string?)null, "2024-09-01", "2024-09-30"), range.ToQuery());
        Assert.Equal(range, CostRange.Month(D(2024, 9, 17)));
        Assert.Equal("2024-08-07 to 2024-09-05", CostRange.Parse(null, "2024-08-07", "2024-09-05", Today, null, out _).Describe());
    }

    [Theory]
    [InlineData(null, "2024-09-31", "2024-10-01")]
    [InlineData(null, "2024-10-02", "2024-10-01")]
    [InlineData(null, "2020-01-01", "2024-10-01")]
    [InlineData(null, "yesterday", null)]
    [InlineData("last-year", null, null)]
    public void A_bad_period_in_the_url_says_so_and_falls_back_to_the_default(string? preset, string? from, string? to)
    {
        var range = CostRange.Parse(preset, from, to, Today, D(2024, 10, 1), out var error);

        Assert.NotNull(error);
        Assert.Equal((CostRange.Data, D(2024, 9, 1), D(2024, 10, 1)), (range.Preset, range.From, range.To));
    }
}
