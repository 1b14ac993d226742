using Portal.Web.Features.Cost;

namespace Portal.Tests.Cost;

public sealed class CostAnomalyTests
{
    private static List<(DateTime Day, decimal Cost)> Series(params decimal[] costs) =>
        costs.Select((c, i) => (new DateTime(2026, 10, 1, 0, 0, 0, DateTimeKind.Utc).AddDays(i), c)).ToList();

    [Fact]
    public void A_day_above_mean_plus_three_sigma_and_the_floor_is_an_anomaly()
    {
        // 30 days alternating 95 and 105 (mean 100, σ 5), then 130 (> 115) and 110 (< 115).
        var costs = Enumerable.Range(0, 30).Select(i => i % 2 == 0 ? 95m : 105m).Concat([130m, 110m]).ToArray();

        var found = CostAnomalies.Detect(Series(costs), floor: 10m);

        var anomaly = Assert.Single(found);
        Assert.Equal(new DateTime(2026, 10, 31, 0, 0, 0, DateTimeKind.Utc), anomaly.Day);
        Assert.Equal((130m, 100m, 5m), (anomaly.Cost, anomaly.Mean, anomaly.Sd));
    }

    [Fact]
    public void Small_absolute_rises_are_not_news_and_short_series_have_no_baseline()
    {
        var tiny = Enumerable.Repeat(0.01m, 30).Concat([0.50m]).ToArray();

        Assert.Empty(CostAnomalies.Detect(Series(tiny), floor: 10m));
        Assert.Empty(CostAnomalies.Detect(Series(1m, 2m, 500m), floor: 0m));
    }
}
