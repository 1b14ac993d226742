using System.Net;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Web.Features.Delivery;
using Portal.Web.Features.Identity;

namespace Portal.IntegrationTests.Delivery;

/// <summary>
/// The per-day rollup follows the events posted through the API as they change: a retry changes nothing, a deployment
/// whose status or finish time changes moves its counts, a rollback or fix arriving later changes an earlier day; after
/// each step its figures equal the exact ones computed from the events (medians within the histograms' precision). Each
/// test uses its own component and dates.
/// </summary>
public sealed class DeliveryRollupTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IAsyncLifetime
{
    private string _ci = "";

    public async Task InitializeAsync()
    {
        await factory.SeedDemoAsync();
        _ci = await DeliveryKit.ServiceTokenAsync(factory, "ci-rollup", [PortalScopes.DeliveryWrite, PortalScopes.CatalogRead]);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static object Deployment(string component, string runId, string status, DateTimeOffset finished, bool rollback = false,
        params (string Sha, DateTimeOffset At)[] commits) => new
        {
            component, environment = "prod", runId, status, rollback, startedAt = finished.AddMinutes(-10), finishedAt = finished,
            commitSha = commits.Length == 0 ? "0000000000000000000000000000000000000001" : null,
            commits = commits.Select(c => new { sha = c.Sha, committedAt = c.At }).ToArray(),
        };

    private async Task PostAsync(object body, HttpStatusCode expected)
    {
        using var ci = factory.ClientWithToken(_ci);
        var response = await DeliveryKit.PostDeploymentAsync(ci, body);
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>The rollup's figures for the component and the organisation over [from, to), checked against the exact ones.</summary>
    private async Task<DoraFigures> FiguresAsync(string component, DateTimeOffset from, DateTimeOffset to)
    {
        await using var db = await factory.DbAsync();
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        string[] scope = [$"component:default/{component}"];
        var rolled = await DeliveryQueries.RolledUpAsync(connection, scope, from, to, default);
        var exact = await DeliveryQueries.ExactAsync(db, new DeliveryOptions(), scope, from, to, default);
        // This test class's components deploy on their own dates: the organisation's rows of these days are this component's.
        var organisation = await DeliveryQueries.RolledUpAsync(connection, null, from, to, default);

        foreach (var f in new[] { rolled, organisation })
        {
            Assert.Equal((exact.Deployments, exact.Changes, exact.FailedChanges, exact.Restores, exact.LeadTimeCommits, exact.BuildsFinished),
                (f.Deployments, f.Changes, f.FailedChanges, f.Restores, f.LeadTimeCommits, f.BuildsFinished));
            Assert.Equal(exact.MeanTimeToDeployMinutes, f.MeanTimeToDeployMinutes);
            AssertClose(exact.LeadTimeHours, f.LeadTimeHours);
            AssertClose(exact.TimeToRestoreHours, f.TimeToRestoreHours);
        }
        return rolled;
    }

    private static void AssertClose(double? exact, double? read)
    {
        Assert.Equal(exact is null, read is null);
        if (exact is { } e)
        {
            Assert.InRange(read!.Value, e / (1 + DoraHistogram.RelativePrecision), e * (1 + DoraHistogram.RelativePrecision));
        }
    }

    private async Task<List<string>> RowsAsync(string component)
    {
        await using var db = await factory.DbAsync();
        return await db.Database.SqlQueryRaw<string>("SELECT r::text AS \"Value\" FROM delivery_daily r WHERE component_ref = {0} ORDER BY day",
            $"component:default/{component}").ToListAsync();
    }

    [Fact]
    public async Task A_deployment_whose_status_or_day_changes_moves_its_counts_and_a_retry_changes_nothing()
    {
        const string c = "refund-service";
        var day = new DateTimeOffset(2026, 10, 5, 0, 0, 0, TimeSpan.Zero);
        var commit = ("a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1", day.AddHours(6));

        await PostAsync(Deployment(c, "r-1", "succeeded", day.AddHours(10), false, commit), HttpStatusCode.Created);
        var first = await FiguresAsync(c, day, day.AddDays(1));
        Assert.Equal((1, 1, 0, 1), (first.Deployments, first.Changes, first.FailedChanges, first.LeadTimeCommits));
        var rows = await RowsAsync(c);

        // CI retries the same post: 200, and not one row changes.
        await PostAsync(Deployment(c, "r-1", "succeeded", day.AddHours(10), false, commit), HttpStatusCode.OK);
        Assert.Equal(rows, await RowsAsync(c));

        // The run is reported again as failed: no deployment, a failed change, no lead time.
        await PostAsync(Deployment(c, "r-1", "failed", day.AddHours(10), false, commit), HttpStatusCode.OK);
        var failed = await FiguresAsync(c, day, day.AddDays(1));
        Assert.Equal((0, 1, 1, 0), (failed.Deployments, failed.Changes, failed.FailedChanges, failed.LeadTimeCommits));

        // Then as succeeded the next day: the first day is empty again, the next one counts it.
        await PostAsync(Deployment(c, "r-1", "succeeded", day.AddHours(26), false, commit), HttpStatusCode.OK);
        var before = await FiguresAsync(c, day, day.AddDays(1));
        var after = await FiguresAsync(c, day.AddDays(1), day.AddDays(2));
        Assert.Equal((0, 0, 0), (before.Deployments, before.Changes, before.LeadTimeCommits));
        Assert.Equal((1, 1, 0, 1), (after.Deployments, after.Changes, after.FailedChanges, after.LeadTimeCommits));
        Assert.Equal(20, after.LeadTimeHours!.Value, 20 * DoraHistogram.RelativePrecision);
    }

    [Fact]
    public async Task A_rollback_or_fix_arriving_later_changes_the_earlier_days_figures()
    {
        const string c = "wallet-adapter";
        var day = new DateTimeOffset(2026, 9, 10, 0, 0, 0, TimeSpan.Zero);

        // Deployed late in the evening; rolled back just after midnight: the evening's deployment becomes a failed change.
        await PostAsync(Deployment(c, "w-1", "succeeded", day.AddHours(23), false, ("b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1", day.AddHours(20))),
            HttpStatusCode.Created);
        Assert.Equal(0, (await FiguresAsync(c, day, day.AddDays(1))).FailedChanges);
        await PostAsync(Deployment(c, "w-2", "succeeded", day.AddHours(24.5), true), HttpStatusCode.Created);
        var evening = await FiguresAsync(c, day, day.AddDays(1));
        Assert.Equal((1, 1, 1), (evening.Changes, evening.FailedChanges, evening.Restores));
        Assert.Equal(1.5, evening.TimeToRestoreHours!.Value, 1.5 * DoraHistogram.RelativePrecision);

        // A failure three days later, fixed by a deployment two days after it: restored after 48 hours, counted on the failure's day.
        var failure = day.AddDays(3).AddHours(12);
        var failureDay = day.AddDays(3);
        await PostAsync(Deployment(c, "w-3", "failed", failure, false, ("c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1", failure.AddHours(-3))),
            HttpStatusCode.Created);
        var open = await FiguresAsync(c, failureDay, failureDay.AddDays(1));
        Assert.Equal((1, 0), (open.FailedChanges, open.Restores));
        await PostAsync(Deployment(c, "w-4", "succeeded", failure.AddHours(48), false, ("c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1", failure.AddHours(-3))),
            HttpStatusCode.Created);
        var failed = await FiguresAsync(c, failureDay, failureDay.AddDays(1));
        Assert.Equal((1, 1), (failed.FailedChanges, failed.Restores));
        Assert.Equal(48, failed.TimeToRestoreHours!.Value, 48 * DoraHistogram.RelativePrecision);

        // The whole stretch, with the figures of every day summed.
        var all = await FiguresAsync(c, day, day.AddDays(7));
        Assert.Equal((3, 3, 2, 2), (all.Deployments, all.Changes, all.FailedChanges, all.Restores));
    }
}
