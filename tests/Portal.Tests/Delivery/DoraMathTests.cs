using Portal.Web.Features.Delivery;

namespace Portal.Tests.Delivery;

public sealed class DoraMathTests
{
    [Fact]
    public void Totals_become_rates_per_day_and_bands()
    {
        var from = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
        var f = DoraMath.Figures(new DoraTotals(5, 10, 5, 2, 2, 2.5, 5, 6, 3, 2), from, from.AddDays(10));

        Assert.Equal(0.5, f.DeploymentsPerDay, 12);
        Assert.Equal(0.4, f.ChangeFailureRate!.Value, 12);
        Assert.Equal(2.0 / 3, f.BuildSuccessRate!.Value, 12);
        Assert.Equal(new DoraBandSet(DoraBands.High, DoraBands.Elite, DoraBands.Low, DoraBands.High), f.Bands);
    }

    [Theory]
    [InlineData(2.0, "elite")]
    [InlineData(1.0, "elite")]
    [InlineData(0.2, "high")]
    [InlineData(0.05, "medium")]
    [InlineData(0.02, "low")]
    public void Deployment_frequency_bands(double perDay, string band) => Assert.Equal(band, DoraBands.DeploymentFrequency(perDay));

    private static readonly string[] Bands = ["elite", "high", "medium", "low"];
    private static readonly double[] LeadTimes = [23, 24, 24 * 7, 24 * 30];
    private static readonly double[] FailureRates = [0.05, 0.06, 0.15, 0.151];
    private static readonly double[] RestoreTimes = [0.9, 1, 24, 24 * 7];

    [Fact]
    public void The_other_bands_follow_the_2023_report()
    {
        Assert.Equal(Bands, LeadTimes.Select(h => DoraBands.LeadTime(h)));
        Assert.Equal(Bands, FailureRates.Select(r => DoraBands.ChangeFailureRate(r)));
        Assert.Equal(Bands, RestoreTimes.Select(h => DoraBands.TimeToRestore(h)));
    }
}
