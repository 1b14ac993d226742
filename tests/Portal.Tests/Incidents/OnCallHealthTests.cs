using Portal.Web.Features.Incidents;

namespace Portal.Tests.Incidents;

/// <summary>The on-call dashboard's judgement of the minute jobs that page people, and its recent-changes list.</summary>
public sealed class OnCallHealthTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(null, null, "never")]
    [InlineData(-30, "Succeeded", "ok")]
    [InlineData(-180, "Succeeded", "ok")]
    [InlineData(-181, "Succeeded", "late")]
    [InlineData(-30, "Failed", "failed")]
    [InlineData(-600, "failed", "failed")]
    [InlineData(-30, "Processing", "ok")]
    public void A_minute_job_is_ok_late_after_three_minutes_failed_or_never_run(int? secondsAgo, string? state, string expected)
    {
        // Hangfire keeps UTC times without a kind.
        DateTime? lastRun = secondsAgo is { } s ? DateTime.SpecifyKind(Now.UtcDateTime.AddSeconds(s), DateTimeKind.Unspecified) : null;
        Assert.Equal(expected, OnCallHealth.Judge(lastRun, state, Now));
    }

    [Fact]
    public void Recent_changes_keep_the_newest_twenty_newest_first()
    {
        var changes = Enumerable.Range(0, 30).Select(i => new RecentChange(new IncidentTimelineEntry(Now.AddMinutes(-i * 7 % 30), "deploy", "ci", $"d{i}"), "c", null)).ToList();

        var newest = RecentChanges.Newest(changes);

        Assert.Equal(RecentChanges.Limit, newest.Count);
        Assert.Equal(changes.OrderByDescending(c => c.Entry.At).Take(20).Select(c => c.Entry.At), newest.Select(c => c.Entry.At));
        Assert.Equal(Now, newest[0].Entry.At);
    }
}
