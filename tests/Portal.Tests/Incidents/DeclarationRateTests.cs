using Portal.Web.Features.Incidents;

namespace Portal.Tests.Incidents;

/// <summary>The rolling hour of declarations one person may make (Portal:Incidents:MaxDeclarationsPerHour) and when the next one is allowed.</summary>
public sealed class DeclarationRateTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset[] Ago(params int[] minutes) => minutes.Select(m => Now.AddMinutes(-m)).ToArray();

    [Fact]
    public void Below_the_limit_a_declaration_is_allowed_and_declarations_older_than_an_hour_do_not_count()
    {
        Assert.Null(DeclarationRate.Check([], 1, Now));
        Assert.Null(DeclarationRate.Check(Ago(50, 20), 3, Now));
        Assert.Null(DeclarationRate.Check(Ago(60, 61, 120, 20), 2, Now));
    }

    [Fact]
    public void At_the_limit_the_next_one_is_allowed_when_enough_declarations_have_left_the_hour()
    {
        var refusal = DeclarationRate.Check(Ago(10, 50, 20), 3, Now)!;

        Assert.Equal((3, 3, 600), (refusal.Max, refusal.Declared, refusal.RetryAfterSeconds));
        Assert.Equal("You have declared 3 incidents in the last hour; one person may declare at most 3 an hour (Portal:Incidents:MaxDeclarationsPerHour). "
            + "You can declare the next one in 10 minutes.", refusal.Message);
    }

    [Fact]
    public void Past_the_limit_after_a_lowered_setting_the_wait_is_until_the_count_drops_below_it()
    {
        // Five in the hour, the limit now 2: four of them must leave the hour; the fourth oldest (10 minutes ago) leaves in 50 minutes.
        var refusal = DeclarationRate.Check(Ago(5, 10, 20, 30, 59), 2, Now)!;

        Assert.Equal(50 * 60, refusal.RetryAfterSeconds);
        Assert.Equal(5, refusal.Declared);
    }

    [Fact]
    public void Retry_after_is_at_least_a_second_and_whole_seconds_round_up_to_minutes_in_the_message()
    {
        var refusal = DeclarationRate.Check([Now.AddMinutes(-60).AddMilliseconds(1)], 1, Now)!;

        Assert.Equal(1, refusal.RetryAfterSeconds);
        Assert.EndsWith("You can declare the next one in 1 minute.", refusal.Message, StringComparison.Ordinal);
        Assert.StartsWith("You have declared 1 incident in the last hour;", refusal.Message, StringComparison.Ordinal);
    }
}
