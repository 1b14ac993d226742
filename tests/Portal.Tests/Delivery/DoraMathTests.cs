using Portal.Web.Features.Delivery;

namespace Portal.Tests.Delivery;

public sealed class DoraMathTests
{
    private static readonly DateTimeOffset From = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset To = From.AddDays(10);
    private static readonly TimeSpan Window = TimeSpan.FromHours(24);

    private static DoraDeployment Deploy(double hour, string status, bool rollback = false, params (string Sha, double Hour)[] commits) =>
        new("component:default/a", From.AddHours(hour).AddMinutes(-10), From.AddHours(hour), status, rollback,
            commits.Select(c => new DeploymentCommit(c.Sha, From.AddHours(c.Hour))).ToList());

    [Fact]
    public void A_small_history_gives_the_figures_worked_out_by_hand()
    {
        var deployments = new[]
        {
            Deploy(10, "succeeded", false, ("c1", 4), ("c2", 8)),  // lead 6 h and 2 h
            Deploy(30, "failed", false, ("c3", 20)),               // failed change; c3 not shipped yet
            Deploy(33, "succeeded", false, ("c3", 20), ("c4", 32)), // restores after 3 h; lead 13 h and 1 h
            Deploy(50, "succeeded", false, ("c5", 40)),            // rolled back 2 h later: a failed change; lead 10 h
            Deploy(52, "succeeded", true),                         // the rollback: restores after 2 h, not a change
            Deploy(80, "succeeded", false, ("c1", 4)),             // c1 again: already shipped, no second lead time
            Deploy(300, "succeeded", false, ("c9", 290)),          // after the period: ignored except for closing failures
        };
        var builds = new[]
        {
            new DoraBuild(From.AddHours(1), "succeeded"), new DoraBuild(From.AddHours(2), "failed"), new DoraBuild(From.AddHours(3), "succeeded"),
            new DoraBuild(From.AddHours(4), "cancelled"), new DoraBuild(From.AddDays(11), "failed"),
        };

        var f = DoraMath.Compute(deployments, builds, From, To, Window);

        Assert.Equal(5, f.Deployments);                     // the succeeded ones in the period, rollback included
        Assert.Equal(0.5, f.DeploymentsPerDay, 12);
        Assert.Equal(5, f.LeadTimeCommits);                  // c1, c2, c3, c4, c5
        Assert.Equal(6, f.LeadTimeHours);                    // median of 6, 2, 13, 1, 10
        Assert.Equal((5, 2), (f.Changes, f.FailedChanges));  // the rollback is not a change
        Assert.Equal(0.4, f.ChangeFailureRate!.Value, 12);
        Assert.Equal(2, f.Restores);
        Assert.Equal(2.5, f.TimeToRestoreHours);             // median of 3 and 2
        Assert.Equal(3, f.BuildsFinished);                   // cancelled and out-of-period builds do not count
        Assert.Equal(2.0 / 3, f.BuildSuccessRate!.Value, 12);
        Assert.Equal(10, f.MeanTimeToDeployMinutes!.Value, 9);
        Assert.Equal(new DoraBandSet(DoraBands.High, DoraBands.Elite, DoraBands.Low, DoraBands.High), f.Bands);
    }

    [Fact]
    public void A_rollback_outside_the_window_does_not_make_the_earlier_deployment_a_failure()
    {
        var f = DoraMath.Compute([Deploy(10, "succeeded", false, ("c1", 9)), Deploy(40, "succeeded", true)], [], From, To, Window);

        Assert.Equal((1, 0), (f.Changes, f.FailedChanges));
        Assert.Null(f.TimeToRestoreHours);
    }

    [Fact]
    public void Without_data_every_figure_and_band_is_empty()
    {
        var f = DoraMath.Compute([], [], From, To, Window);

        Assert.Equal((0, 0.0), (f.Deployments, f.DeploymentsPerDay));
        Assert.Null(f.LeadTimeHours);
        Assert.Null(f.ChangeFailureRate);
        Assert.Null(f.BuildSuccessRate);
        Assert.Equal(new DoraBandSet(null, null, null, null), f.Bands);
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
