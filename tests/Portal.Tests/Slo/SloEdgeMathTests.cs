using Portal.Web.Features.Slo;
using Portal.Web.Features.Slo.Ingestion;
using Portal.Web.Features.Slo.Pages;

namespace Portal.Tests.Slo;

/// <summary>The pure parts of the SLO edge fixes of issue #21: calendar month edges, the no-data condition, the wording.</summary>
public sealed class SloEdgeMathTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 10, 12, 0, 30, TimeSpan.Zero);

    private static SloDefinition Calendar(string zone) =>
        new() { Name = "m", ComponentRef = "component:default/x", Indicator = SliKinds.Availability, CreatedBy = "t", WindowKind = "calendar", TimeZone = zone };

    [Theory]
    [InlineData("Asia/Kolkata", 18, 30)]
    [InlineData("Asia/Kathmandu", 18, 15)]
    public void A_month_starting_off_the_utc_hour_keeps_its_first_partial_hour_and_is_covered_from_local_midnight(string zone, int hour, int minute)
    {
        var slo = Calendar(zone);
        var start = new DateTimeOffset(2026, 10, 31, hour, minute, 0, TimeSpan.Zero);
        Assert.Equal(start, slo.WindowAt(Now).Start);
        Assert.Equal((start, new DateTimeOffset(2026, 10, 31, 19, 0, 0, TimeSpan.Zero)), slo.StartEdgeAt(Now));

        var endExclusive = SloMath.MinuteOf(Now).AddMinutes(1);
        var (covered, segments) = SloWindows.Cover(start, endExclusive, Now, CountRetention.Default, startKept: true);
        Assert.Equal(start, covered);
        Assert.Equal((endExclusive - start).TotalMinutes, segments.Sum(s => (s.To - s.From).TotalMinutes));
        Assert.Equal((CountSpans.Minute, start), (segments[0].Span, segments[0].From));

        // Those minutes are kept past the 4 days; the minute before the month and the first whole hour's are not.
        Assert.True(SloWindows.KeepsMinute(start, Now, CountRetention.Default, slo.StartEdgeAt(Now)));
        Assert.False(SloWindows.KeepsMinute(start.AddMinutes(-1), Now, CountRetention.Default, slo.StartEdgeAt(Now)));
        Assert.False(SloWindows.KeepsMinute(new DateTimeOffset(2026, 10, 31, 19, 0, 0, TimeSpan.Zero), Now, CountRetention.Default, slo.StartEdgeAt(Now)));
    }

    [Theory]
    [InlineData("UTC")]
    [InlineData("Europe/Berlin")]
    public void Rolling_windows_and_months_on_a_utc_hour_keep_no_extra_minutes(string zone)
    {
        Assert.Null(Calendar(zone).StartEdgeAt(Now));
        Assert.Null(new SloDefinition { Name = "r", ComponentRef = "component:default/x", Indicator = SliKinds.Availability, CreatedBy = "t" }.StartEdgeAt(Now));
    }

    [Fact]
    public void The_no_data_condition_holds_only_when_its_window_had_no_events_and_is_a_ticket()
    {
        var end = SloMath.MinuteOf(Now);
        var minutes = new List<MinuteCounts> { new(end.AddMinutes(-20), 100, 100) };
        (long, long) Trailing(TimeSpan w) => SloMath.Sum(minutes, end, w);

        var silent = SloMath.Compute(Trailing, Trailing(TimeSpan.FromDays(28)), 0.999m, TimeSpan.FromDays(28), SloMath.DefaultRules, 0, 15);
        var noData = Assert.Single(silent.Rules, r => r.Kind == RuleKinds.NoData);
        Assert.True(noData.Firing);
        Assert.Equal(("ticket", "no-data-15m"), (noData.Severity, noData.Key));

        var seen = SloMath.Compute(Trailing, Trailing(TimeSpan.FromDays(28)), 0.999m, TimeSpan.FromDays(28), SloMath.DefaultRules, 0, 30);
        Assert.False(Assert.Single(seen.Rules, r => r.Kind == RuleKinds.NoData).Firing);

        var off = SloMath.Compute(Trailing, Trailing(TimeSpan.FromDays(28)), 0.999m, TimeSpan.FromDays(28), SloMath.DefaultRules, 0, null);
        Assert.DoesNotContain(off.Rules, r => r.Kind == RuleKinds.NoData);
        Assert.Equal(["page-1h-5m", "page-6h-30m", "ticket-1d-2h", "ticket-3d-6h"], off.Rules.Select(r => r.Key));
    }

    [Theory]
    [InlineData(14.4, 14.4, "not above")]
    [InlineData(14.5, 14.4, "above")]
    [InlineData(3, 14.4, "below")]
    public void A_burn_equal_to_the_threshold_reads_not_above(double burn, double threshold, string expected) =>
        Assert.Equal(expected, SloFormat.AgainstThreshold((decimal)burn, (decimal)threshold));

    [Fact]
    public void No_traffic_is_called_no_traffic_not_no_bad_events()
    {
        Assert.Equal("no data", SloFormat.AgainstThreshold(null, 14.4m));
        Assert.Equal("no traffic in the window", SloFormat.ExhaustionDetail(null, null, null));
        Assert.Equal("no traffic in the last hour", SloFormat.ExhaustionDetail(null, 0.5m, null));
        Assert.Equal("no bad events in the last hour", SloFormat.ExhaustionDetail(null, 0.5m, 0m));
        var rule = SloMath.Evaluate(SloMath.DefaultRules[0], (0, 0), (0, 0), 0.999m, TimeSpan.FromDays(30), 0);
        Assert.Equal("No traffic in the last 1h: no burn rate, nothing to alert on.", rule.Explanation);
    }
}
