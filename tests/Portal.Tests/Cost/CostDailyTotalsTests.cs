using Portal.Web.Features.Cost;

namespace Portal.Tests.Cost;

/// <summary>The import's daily rollup summed while reading: grouped as the SQL rollup groups, and giving up rather than differ from it.</summary>
public sealed class CostDailyTotalsTests
{
    private static readonly DateTime Day = new(2026, 9, 14, 0, 0, 0, DateTimeKind.Utc);
    private static readonly Dictionary<string, string> NoTags = [];

    private static FocusRow Row(DateTime hour, decimal cost, string? region = "eu-west-1") =>
        FocusCsvWriter.Usage(hour, cost, "AWS", "Amazon EC2", "Compute", "eu-west-1", "i-1", NoTags) with { RegionId = region };

    [Fact]
    public void Rows_of_one_day_and_dimension_become_one_group_with_their_sums_count_and_latest_end()
    {
        var totals = new CostDailyTotals();
        var who = new Attribution("payments", null, "prod");
        totals.Add(Row(Day.AddHours(23), 1.10m), who);
        totals.Add(Row(Day.AddHours(2), 0.005m), who);
        totals.Add(Row(Day.AddHours(5), 2m), who);

        var group = Assert.Single(totals.Rows());
        Assert.Equal((Day, 3.105m, 3.105m, 3L), (group.Day, group.BilledCost, group.EffectiveCost, group.Rows));
        Assert.Equal(Day.AddDays(1), group.LastChargeEnd); // the 23:00 row ends at midnight
        Assert.Equal(("payments", null, "prod"), (group.Team, group.Component, group.Environment));
    }

    [Fact]
    public void Another_day_team_or_a_null_instead_of_an_empty_value_is_another_group_as_in_SQL()
    {
        var totals = new CostDailyTotals();
        totals.Add(Row(Day, 1m), new Attribution("payments", null, null));
        totals.Add(Row(Day.AddDays(1), 1m), new Attribution("payments", null, null));
        totals.Add(Row(Day, 1m), new Attribution("platform", null, null));
        totals.Add(Row(Day, 1m), new Attribution(null, null, null));
        totals.Add(Row(Day, 1m, region: null), new Attribution("payments", null, null));
        totals.Add(Row(Day, 1m, region: ""), new Attribution("payments", null, null));
        Assert.Equal(6, totals.Count);
        Assert.False(totals.GaveUp);
    }

    [Fact]
    public void A_sum_decimal_would_round_is_refused_so_the_exact_SQL_rollup_runs_instead()
    {
        Assert.True(CostDailyTotals.TryAdd(0.1m, 0.2m, out var small));
        Assert.Equal(0.3m, small);
        // 27 decimals: twelve of them need a 29th digit, which decimal rounds away silently; PostgreSQL's numeric keeps it.
        var precise = 7.123456789012345678901234567m;
        var sum = precise;
        var exact = true;
        for (var i = 1; i < 12 && exact; i++)
        {
            exact = CostDailyTotals.TryAdd(sum, precise, out sum);
        }
        Assert.False(exact);
        Assert.False(CostDailyTotals.TryAdd(decimal.MaxValue, 1m, out _));

        var totals = new CostDailyTotals();
        for (var i = 0; i < 12; i++)
        {
            totals.Add(Row(Day.AddHours(i), precise), new Attribution(null, null, null));
        }
        Assert.True(totals.GaveUp);
        Assert.Empty(totals.Rows());
    }

    [Fact]
    public void More_groups_than_allowed_give_up_and_free_what_was_kept()
    {
        var totals = new CostDailyTotals(maxGroups: 2);
        totals.Add(Row(Day, 1m), new Attribution("a", null, null));
        totals.Add(Row(Day, 1m), new Attribution("b", null, null));
        totals.Add(Row(Day, 1m), new Attribution("a", null, null));
        Assert.False(totals.GaveUp);
        totals.Add(Row(Day, 1m), new Attribution("c", null, null));
        Assert.True(totals.GaveUp);
        Assert.Equal(0, totals.Count);
        totals.Add(Row(Day, 1m), new Attribution("a", null, null));
        Assert.Equal(0, totals.Count);
    }
}
