namespace Portal.Web.Features.Catalog;

/// <summary>
/// The refresh interval as a cron expression that fires exactly every interval. Cron counts
/// within the hour, the day and the week, so only intervals that divide those evenly repeat
/// without a short or long gap at the boundary (<c>*/45</c> fires at :00 and :45; <c>0 0 */2 * *</c>
/// fires on the 31st and again on the 1st).
/// </summary>
public static class RefreshSchedule
{
    private const int Hour = 60;
    private const int Day = 24 * Hour;
    private const int Week = 7 * Day;

    /// <summary>The intervals (minutes) that have an exact cron expression, ascending.</summary>
    public static IReadOnlyList<int> ExactIntervals { get; } = Enumerable.Range(1, Week).Where(m => Cron(m) is not null).ToArray();

    /// <summary>The cron expression that fires every <paramref name="minutes"/> minutes exactly, or null when there is none.</summary>
    public static string? Cron(int minutes) => minutes switch
    {
        1 => "* * * * *",
        > 1 and < Hour when Hour % minutes == 0 => $"*/{minutes} * * * *",
        Hour => "0 * * * *",
        > Hour and < Day when minutes % Hour == 0 && Day % minutes == 0 => $"0 */{minutes / Hour} * * *",
        Day => "0 0 * * *",
        Week => "0 0 * * 0",
        _ => null,
    };

    /// <summary>Why an interval is refused, naming the ones that work.</summary>
    public static string Problem(int minutes) =>
        $"Portal:Catalog:RefreshIntervalMinutes is {minutes}, which no cron schedule repeats exactly. Use a divisor of 60 minutes "
        + $"({string.Join(", ", ExactIntervals.Where(m => m < Hour))}), whole hours that divide a day "
        + $"({string.Join(", ", ExactIntervals.Where(m => m >= Hour && m < Day))}), {Day} (daily) or {Week} (weekly).";
}
