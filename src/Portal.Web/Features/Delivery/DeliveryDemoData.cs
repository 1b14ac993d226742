using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;

namespace Portal.Web.Features.Delivery;

/// <summary>
/// Ninety days of builds and deployments for the demo organisation's services, so the Delivery tab and the DORA
/// figures have something to show on a first embedded start: each service deploys to staging and prod every few
/// days (busier teams more often; production lifecycle only), with failed builds, a failed deployment now and then fixed by the next, and
/// occasional rollbacks. Delivery's seeding API for the Demo feature, which never touches Delivery's tables itself.
/// </summary>
public static class DeliveryDemoData
{
    public static async Task SeedAsync(PortalDbContext db, DeliveryOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        // A fixed seed: every demo install shows the same history. Not for security.
#pragma warning disable CA5394
        var random = new Random(20_261_206);
        // Production components only: experimental and deprecated ones show the empty tab, with how to send events.
        var components = await CatalogReads.Active(db, CatalogKinds.Component).Where(c => c.Lifecycle == "production")
            .Select(c => c.Ref).OrderBy(r => r).ToListAsync(cancellationToken);
        var now = time.GetUtcNow();
        var sha = 0;
        string NextSha() => (++sha * 7919L).ToString("x40", System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (component, index) in components.Select((c, i) => (c, i)))
        {
            var everyHours = 24 + index % 5 * 30;
            var at = now.AddDays(-90).AddHours(random.Next(24));
            var run = 0;
            while ((at = at.AddHours(everyHours * (0.5 + random.NextDouble()))) < now.AddHours(-1))
            {
                run++;
                var commits = Enumerable.Range(0, 1 + random.Next(3))
                    .Select(_ => new DeploymentCommit(NextSha(), at.AddHours(-2 - random.NextDouble() * 40))).OrderBy(c => c.CommittedAt).ToList();
                var buildFailed = random.NextDouble() < 0.12;
                db.DeliveryBuilds.Add(new DeliveryBuild
                {
                    ComponentRef = component, RunId = $"demo-build-{run}", Pipeline = "ci", CommitSha = commits[^1].Sha, Branch = "main",
                    Status = buildFailed ? DeliveryStatuses.Failed : DeliveryStatuses.Succeeded, StartedAt = at.AddMinutes(-12), FinishedAt = at.AddMinutes(-4),
                    Source = "api", ReceivedAt = at, UpdatedAt = at,
                });
                if (buildFailed)
                {
                    continue;
                }
                var failed = random.NextDouble() < 0.08;
                foreach (var environment in new[] { "staging", "prod" })
                {
                    var started = environment == "staging" ? at : at.AddMinutes(30);
                    var finished = started.AddMinutes(4 + random.Next(10));
                    var status = environment == "prod" && failed ? DeliveryStatuses.Failed : DeliveryStatuses.Succeeded;
                    db.DeliveryDeployments.Add(new DeliveryDeployment
                    {
                        ComponentRef = component, RunId = $"demo-{environment}-{run}", Environment = environment, Version = $"1.{run}.0",
                        CommitSha = commits[^1].Sha, Commits = commits, Status = status, StartedAt = started, FinishedAt = finished,
                        DeployedBy = "github-actions", Source = "api", ReceivedAt = finished, UpdatedAt = finished,
                    });
                    if (environment == "prod" && status == DeliveryStatuses.Succeeded && random.NextDouble() < 0.03)
                    {
                        db.DeliveryDeployments.Add(new DeliveryDeployment
                        {
                            ComponentRef = component, RunId = $"demo-rollback-{run}", Environment = "prod", Version = $"1.{run - 1}.0",
                            CommitSha = "rollback", Status = DeliveryStatuses.Succeeded, Rollback = true, StartedAt = finished.AddHours(1),
                            FinishedAt = finished.AddHours(1).AddMinutes(5), DeployedBy = "on-call", Source = "api", ReceivedAt = finished.AddHours(1), UpdatedAt = finished.AddHours(1),
                        });
                    }
                }
            }
        }
#pragma warning restore CA5394
        await db.SaveChangesAsync(cancellationToken);
        await DeliveryRollup.RebuildAsync(db, options, cancellationToken);
    }
}
