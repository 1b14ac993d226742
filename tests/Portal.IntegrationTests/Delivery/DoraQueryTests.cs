using Portal.Web.Features.Delivery;

namespace Portal.IntegrationTests.Delivery;

/// <summary>
/// The SQL aggregation of the DORA figures against small histories worked out by hand (each test its own component,
/// written straight into the real PostgreSQL table the API fills).
/// </summary>
public sealed class DoraQueryTests(DoraQueryTests.Portal portal) : IClassFixture<DoraQueryTests.Portal>
{
    public sealed class Portal : IAsyncLifetime
    {
        public PortalAppFactory Factory { get; } = new();
        public async Task InitializeAsync() => await Factory.SeedDemoAsync();
        public async Task DisposeAsync() => await Factory.DisposeAsync();
    }

    private static readonly DateTimeOffset From = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset To = From.AddDays(10);
    private static readonly DeliveryOptions Options = new() { RollbackWindowHours = 24 };

    private static DeliveryDeployment Deploy(string component, double hour, string status, bool rollback = false,
        params (string Sha, double Hour)[] commits) => new()
        {
            ComponentRef = component, RunId = Guid.NewGuid().ToString("N"), Environment = "prod", CommitSha = commits.FirstOrDefault().Sha ?? "0",
            Commits = commits.Select(c => new DeploymentCommit(c.Sha, From.AddHours(c.Hour))).ToList(), Status = status, Rollback = rollback,
            StartedAt = From.AddHours(hour).AddMinutes(-10), FinishedAt = From.AddHours(hour), Source = "api",
        };

    private static DeliveryBuild Build(string component, double hour, string status) => new()
    {
        ComponentRef = component, RunId = Guid.NewGuid().ToString("N"), Pipeline = "ci", CommitSha = "0", Status = status,
        StartedAt = From.AddHours(hour).AddMinutes(-5), FinishedAt = From.AddHours(hour), Source = "api",
    };

    private async Task<DoraFigures> FiguresAsync(string component, IEnumerable<DeliveryDeployment> deployments, IEnumerable<DeliveryBuild> builds)
    {
        await using (var db = await portal.Factory.DbAsync())
        {
            db.DeliveryDeployments.AddRange(deployments);
            db.DeliveryBuilds.AddRange(builds);
            await db.SaveChangesAsync();
        }
        await using var read = await portal.Factory.DbAsync();
        return await DeliveryQueries.FiguresAsync(read, Options, component, null, From, To, CancellationToken.None);
    }

    [Fact]
    public async Task A_small_history_gives_the_figures_worked_out_by_hand()
    {
        const string c = "component:default/dora-by-hand";
        var f = await FiguresAsync(c,
        [
            Deploy(c, 10, "succeeded", false, ("c1", 4), ("c2", 8)),   // lead 6 h and 2 h
            Deploy(c, 30, "failed", false, ("c3", 20)),                // failed change; c3 not shipped yet
            Deploy(c, 33, "succeeded", false, ("c3", 20), ("c4", 32)), // restores after 3 h; lead 13 h and 1 h
            Deploy(c, 50, "succeeded", false, ("c5", 40)),             // rolled back 2 h later: a failed change; lead 10 h
            Deploy(c, 52, "succeeded", true),                          // the rollback: restores after 2 h, not a change
            Deploy(c, 80, "succeeded", false, ("c1", 4)),              // c1 again: already shipped, no second lead time
            Deploy(c, 300, "succeeded", false, ("c9", 290)),           // after the period: ignored except for closing failures
            Deploy(c, 90, "cancelled", false, ("c7", 85)),             // neither a change nor a deployment
            Deploy("component:default/dora-other", 20, "failed"),     // another component's failure
        ],
        [
            Build(c, 1, "succeeded"), Build(c, 2, "failed"), Build(c, 3, "succeeded"), Build(c, 4, "cancelled"), Build(c, 24 * 11, "failed"),
            Build("component:default/dora-other", 5, "failed"),
        ]);

        Assert.Equal(5, f.Deployments);                     // the succeeded ones in the period, rollback included
        Assert.Equal(0.5, f.DeploymentsPerDay, 12);
        Assert.Equal(5, f.LeadTimeCommits);                  // c1, c2, c3, c4, c5
        Assert.Equal(6, f.LeadTimeHours!.Value, 9);          // median of 6, 2, 13, 1, 10
        Assert.Equal((5, 2), (f.Changes, f.FailedChanges));  // the rollback is not a change
        Assert.Equal(0.4, f.ChangeFailureRate!.Value, 12);
        Assert.Equal(2, f.Restores);
        Assert.Equal(2.5, f.TimeToRestoreHours!.Value, 9);   // median of 3 and 2
        Assert.Equal(3, f.BuildsFinished);                   // cancelled, other components' and out-of-period builds do not count
        Assert.Equal(2.0 / 3, f.BuildSuccessRate!.Value, 12);
        Assert.Equal(10, f.MeanTimeToDeployMinutes!.Value, 9);
    }

    [Fact]
    public async Task A_commit_shipped_before_the_period_has_no_lead_time_in_it()
    {
        const string c = "component:default/dora-lookback";
        var f = await FiguresAsync(c, [Deploy(c, -48, "succeeded", false, ("old", -50)), Deploy(c, 5, "succeeded", false, ("old", -50), ("new", 3))], []);

        Assert.Equal((1, 1), (f.Deployments, f.LeadTimeCommits));
        Assert.Equal(2, f.LeadTimeHours!.Value, 9);
    }

    [Fact]
    public async Task A_rollback_outside_the_window_does_not_make_the_earlier_deployment_a_failure()
    {
        const string c = "component:default/dora-late-rollback";
        var f = await FiguresAsync(c, [Deploy(c, 10, "succeeded", false, ("c1", 9)), Deploy(c, 40, "succeeded", true)], []);

        Assert.Equal((1, 0), (f.Changes, f.FailedChanges));
        Assert.Null(f.TimeToRestoreHours);
    }

    [Fact]
    public async Task Without_data_every_figure_and_band_is_empty()
    {
        var f = await FiguresAsync("component:default/dora-nothing", [], []);

        Assert.Equal((0, 0.0), (f.Deployments, f.DeploymentsPerDay));
        Assert.Null(f.LeadTimeHours);
        Assert.Null(f.ChangeFailureRate);
        Assert.Null(f.BuildSuccessRate);
        Assert.Null(f.MeanTimeToDeployMinutes);
        Assert.Equal(new DoraBandSet(null, null, null, null), f.Bands);
    }

    [Fact]
    public async Task The_demo_history_gives_production_services_figures_and_leaves_experimental_ones_empty()
    {
        await using (var db = await portal.Factory.DbAsync())
        {
            await DeliveryDemoData.SeedAsync(db, Options, TimeProvider.System, CancellationToken.None);
        }
        await using var read = await portal.Factory.DbAsync();
        var now = DateTimeOffset.UtcNow;
        var service = await DeliveryQueries.FiguresAsync(read, Options, "component:default/order-service", null, now.AddDays(-30), now, CancellationToken.None);
        var experimental = await DeliveryQueries.FiguresAsync(read, Options, "component:default/payout-scheduler", null, now.AddDays(-30), now, CancellationToken.None);

        Assert.True(service.Deployments > 0, $"{service.Deployments} deployments");
        Assert.NotNull(service.LeadTimeHours);
        Assert.NotNull(service.BuildSuccessRate);
        Assert.Equal(0, experimental.Deployments);
    }
}
