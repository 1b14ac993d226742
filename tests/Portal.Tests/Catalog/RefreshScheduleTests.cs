using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Web.Features.Catalog;

namespace Portal.Tests.Catalog;

public sealed class RefreshScheduleTests
{
    [Theory]
    [InlineData(1, "* * * * *")]
    [InlineData(5, "*/5 * * * *")]
    [InlineData(30, "*/30 * * * *")]
    [InlineData(60, "0 * * * *")]
    [InlineData(120, "0 */2 * * *")]
    [InlineData(480, "0 */8 * * *")]
    [InlineData(720, "0 */12 * * *")]
    [InlineData(1440, "0 0 * * *")]
    [InlineData(10_080, "0 0 * * 0")]
    public void An_interval_that_divides_the_hour_the_day_or_is_a_week_becomes_an_exact_cron(int minutes, string cron)
    {
        Assert.Equal(cron, RefreshSchedule.Cron(minutes));
    }

    [Theory]
    [InlineData(7)]      // */7 fires at :56 and again at :00
    [InlineData(45)]     // */45 fires at :00 and :45
    [InlineData(90)]     // not whole hours
    [InlineData(300)]    // 5 hours: 0 */5 fires at 20:00 and again at 00:00
    [InlineData(2_880)]  // 2 days: */2 in day-of-month fires on the 31st and the 1st
    [InlineData(4_320)]
    [InlineData(10_079)]
    public void An_interval_no_cron_repeats_exactly_has_none(int minutes)
    {
        Assert.Null(RefreshSchedule.Cron(minutes));
    }

    [Fact]
    public void Every_exact_interval_fires_at_evenly_spaced_times_over_a_week()
    {
        foreach (var minutes in RefreshSchedule.ExactIntervals)
        {
            var fires = FiringMinutesOfAWeek(RefreshSchedule.Cron(minutes)!);
            var gaps = fires.Zip(fires.Skip(1).Append(fires[0] + 7 * 24 * 60), (a, b) => b - a).Distinct().ToList();
            Assert.True(gaps.Count == 1 && gaps[0] == minutes, $"{minutes}: gaps {string.Join(",", gaps)}");
        }
    }

    [Theory]
    [InlineData(45)]
    [InlineData(90)]
    [InlineData(2_880)]
    public void Options_validation_refuses_an_inexact_interval_with_the_ones_that_work(int minutes)
    {
        using var provider = new ServiceCollection().AddOptions<CatalogOptions>()
            .Configure(o => o.RefreshIntervalMinutes = minutes).ValidateDataAnnotations().Services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<CatalogOptions>>().Value);

        Assert.Contains($"RefreshIntervalMinutes is {minutes}", error.Message, StringComparison.Ordinal);
        Assert.Contains("1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30", error.Message, StringComparison.Ordinal);
        Assert.Contains("60, 120, 180, 240, 360, 480, 720", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_validation_accepts_the_default_and_an_exact_interval()
    {
        using var provider = new ServiceCollection().AddOptions<CatalogOptions>()
            .Configure(o => o.RefreshIntervalMinutes = 240).ValidateDataAnnotations().Services.BuildServiceProvider();

        Assert.Equal(240, provider.GetRequiredService<IOptions<CatalogOptions>>().Value.RefreshIntervalMinutes);
        Assert.NotNull(RefreshSchedule.Cron(new CatalogOptions().RefreshIntervalMinutes));
    }

    /// <summary>The minutes of a week (from Sunday 00:00) at which a five-field cron of the forms above fires.</summary>
    private static List<int> FiringMinutesOfAWeek(string cron)
    {
        var f = cron.Split(' ');
        static bool Match(string field, int value) =>
            field == "*" || (field.StartsWith("*/", StringComparison.Ordinal) ? value % int.Parse(field[2..], System.Globalization.CultureInfo.InvariantCulture) == 0
                : value == int.Parse(field, System.Globalization.CultureInfo.InvariantCulture));
        var result = new List<int>();
        for (var m = 0; m < 7 * 24 * 60; m++)
        {
            if (Match(f[0], m % 60) && Match(f[1], m / 60 % 24) && Match(f[4], m / (24 * 60)))
            {
                result.Add(m);
            }
        }
        return result;
    }
}
