using Portal.Web.Features.Scorecards;

namespace Portal.Tests.Scorecards;

public sealed class CampaignProgressTests
{
    private const string Payments = "group:default/payments";
    private const string Search = "group:default/search";

    private static CampaignEntity E(string name, string? owner, int level, bool rulesPass = true) => new($"component:default/{name}", owner, level, rulesPass);

    [Fact]
    public void An_entity_is_done_at_or_above_the_target_level_with_every_target_rule_passing()
    {
        Assert.True(CampaignProgress.IsDone(E("a", Payments, 1), 1));
        Assert.True(CampaignProgress.IsDone(E("a", Payments, 2), 1));
        Assert.False(CampaignProgress.IsDone(E("a", Payments, 0), 1));
        Assert.False(CampaignProgress.IsDone(E("a", Payments, 2, rulesPass: false), 1));
        // Rules only (no target level, -1): a component with no level is done once the rules pass.
        Assert.True(CampaignProgress.IsDone(E("a", Payments, -1), -1));
    }

    [Fact]
    public void Progress_is_counted_per_team_with_the_team_furthest_behind_first_and_unowned_entities_apart()
    {
        var progress = CampaignProgress.PerTeam([E("a", Payments, 1), E("b", Payments, 0), E("c", Search, 0), E("d", Search, -1), E("e", null, -1)], 1, []);

        Assert.Equal([Search, Payments, CampaignProgress.NoOwner], progress.Select(p => p.Team));
        Assert.Equal((0, 2), (progress[0].Done, progress[0].Total));
        Assert.Equal((1, 2), (progress[1].Done, progress[1].Total));
        Assert.Equal(["component:default/b"], progress[1].Remaining);
    }

    [Fact]
    public void Listed_teams_narrow_the_scope_and_a_listed_team_owning_nothing_shows_as_zero_of_zero()
    {
        var progress = CampaignProgress.PerTeam([E("a", Payments, 1), E("c", Search, 0)], 1, [Payments, "group:default/empty"]);

        Assert.Equal(["group:default/empty", Payments], progress.Select(p => p.Team).Order(StringComparer.Ordinal));
        Assert.True(progress.Single(p => p.Team == "group:default/empty").Complete);
        Assert.Equal("complete", CampaignProgress.Status(progress, new DateOnly(2027, 1, 1), new DateOnly(2027, 1, 2)));
    }

    [Fact]
    public void A_campaign_with_work_left_is_open_until_its_deadline_then_overdue()
    {
        var progress = CampaignProgress.PerTeam([E("b", Payments, 0)], 1, []);
        var deadline = new DateOnly(2027, 3, 31);

        Assert.Equal("open", CampaignProgress.Status(progress, deadline, deadline));
        Assert.Equal("overdue", CampaignProgress.Status(progress, deadline, deadline.AddDays(1)));
    }

    [Theory]
    [InlineData(30, null, true)]     // the first reminder goes out at once
    [InlineData(30, 26, false)]      // then weekly...
    [InlineData(23, 30, true)]
    [InlineData(7, 8, true)]         // ...and on each of the last days
    [InlineData(3, 4, true)]
    [InlineData(1, 2, true)]
    [InlineData(0, 1, true)]
    [InlineData(5, 7, false)]
    [InlineData(3, 3, false)]        // never twice a day
    [InlineData(-1, 5, false)]       // never after the deadline
    public void Reminders_are_weekly_and_on_the_last_days_never_twice_a_day(int daysLeft, int? remindedDaysLeft, bool due)
    {
        var deadline = new DateOnly(2027, 3, 31);
        var today = deadline.AddDays(-daysLeft);
        DateOnly? reminded = remindedDaysLeft is { } r ? deadline.AddDays(-r) : null;

        Assert.Equal(due, CampaignProgress.ReminderDue(deadline, today, reminded));
    }
}
