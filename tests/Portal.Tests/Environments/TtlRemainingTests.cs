using Portal.Web.Features.Environments;

namespace Portal.Tests.Environments;

/// <summary>How the home and the environment page say what is left of an environment's life.</summary>
public sealed class TtlRemainingTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(2 * 24 * 60, "in 2 days")]
    [InlineData(36 * 60, "in 1.5 days")]
    [InlineData(5 * 60, "in 5 hours")]
    [InlineData(90, "in 1.5 hours")]
    [InlineData(10, "in 10 minutes")]
    [InlineData(0, "due now")]
    [InlineData(-30, "due now")]
    public void Remaining_time_reads_in_days_hours_or_minutes(int minutes, string expected) =>
        Assert.Equal(expected, Ttl.Remaining(Now.AddMinutes(minutes), Now));

    [Fact]
    public void Under_a_minute_left_is_still_a_minute_not_zero() =>
        Assert.Equal("in 1 minute", Ttl.Remaining(Now.AddSeconds(20), Now));
}
