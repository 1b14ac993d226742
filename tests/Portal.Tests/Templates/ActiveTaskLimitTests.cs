using Portal.Web.Features.Templates;

namespace Portal.Tests.Templates;

/// <summary>How many unfinished runs one person may have (Portal:Templates:MaxActiveTasksPerUser), and what the refusal says.</summary>
public sealed class ActiveTaskLimitTests
{
    [Theory]
    [InlineData(0, 1)]
    [InlineData(4, 5)]
    public void Below_the_limit_one_more_run_may_start(int active, int max) => Assert.Null(ActiveTaskLimit.Check(active, max));

    [Fact]
    public void At_or_past_the_limit_the_refusal_names_the_limit_its_setting_and_how_many_are_unfinished()
    {
        Assert.Equal(new ActiveTasksRefusal(5, 5, "You have 5 template runs queued or running; one person may have at most 5 at once "
            + "(Portal:Templates:MaxActiveTasksPerUser). Wait until one finishes, or cancel one, then try again."), ActiveTaskLimit.Check(5, 5));
        Assert.StartsWith("You have 1 template run queued or running; one person may have at most 1 at once", ActiveTaskLimit.Check(1, 1)!.Message,
            StringComparison.Ordinal);
        Assert.Equal(7, ActiveTaskLimit.Check(7, 2)!.Active); // a lowered setting
    }
}
