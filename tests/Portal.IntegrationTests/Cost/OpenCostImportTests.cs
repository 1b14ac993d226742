using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.TestSupport;
using Portal.Web.Features.Cost;
using Portal.Web.Features.Environments;

namespace Portal.IntegrationTests.Cost;

/// <summary>
/// OpenCost against a fake OpenCost API on loopback (no cluster here) serving a response shaped like
/// OpenCost's documented /allocation/compute output; namespaces map to the portal's environments.
/// </summary>
#pragma warning disable CA1001 // the fake API is disposed in IAsyncLifetime.DisposeAsync
public sealed class OpenCostImportTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IAsyncLifetime
#pragma warning restore CA1001
{
    private FakeJsonApi? _openCost;

    public async Task InitializeAsync()
    {
        _openCost = new FakeJsonApi(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Cost", "opencost-allocation-namespace.json")));
        factory.Settings["Portal:Cost:OpenCost:Url"] = _openCost.Url;
        factory.Settings["Portal:Cost:OpenCost:Cluster"] = "eu-1";
        await factory.SeedDemoAsync();
    }

    public async Task DisposeAsync()
    {
        if (_openCost is not null)
        {
            await _openCost.DisposeAsync();
        }
    }

    [Fact]
    public async Task Namespace_allocations_are_attributed_through_environments_and_a_second_pull_replaces_the_first()
    {
        await using (var db = await factory.DbAsync())
        {
            db.Environments.Add(new PortalEnvironment
            {
                Name = "refunds-dev", ComponentRef = "component:default/refund-service", OwnerTeam = "group:default/payments", Type = "dev", Tier = "small",
                Region = "eu-west-1", Driver = "gitops", RequestedById = "u", RequestedBy = "ana.silva", Status = EnvironmentStatus.Ready,
                RequestedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync();
        }
        var job = factory.Services.GetRequiredService<OpenCostImportJob>();

        var first = await job.RunAsync(CancellationToken.None);
        var second = await job.RunAsync(CancellationToken.None);

        Assert.Equal(6, first!.Rows);
        Assert.Equal(6, second!.ReplacedRows);
        Assert.Contains(_openCost!.Requests, r => r.Contains("/allocation/compute?window=3d&aggregate=namespace&step=1d", StringComparison.Ordinal));
        await using var check = await factory.DbAsync();
        var environment = await check.CostLineItems.Where(c => c.Environment == "refunds-dev").ToListAsync();
        Assert.Equal(2, environment.Count);
        Assert.All(environment, c => Assert.Equal(("group:default/payments", "component:default/refund-service"), (c.Team, c.Component)));
        Assert.Equal(3.0048m, environment.Sum(c => c.EffectiveCost)); // the environment's cost over its lifetime so far
        Assert.Equal(1.44m + 1.65m, await check.CostLineItems.Where(c => c.Team == null).SumAsync(c => c.EffectiveCost)); // kube-system and idle: unallocated
        var labelled = Assert.Single(await check.CostLineItems.Where(c => c.ResourceId == "namespace/search-batch").ToListAsync());
        Assert.Equal(("group:default/search", "prod"), (labelled.Team, labelled.Environment)); // attributed by its namespace labels
        Assert.Equal(6.5948m, await check.CostLineItems.SumAsync(c => c.EffectiveCost));
        Assert.Equal(["opencost:eu-1"], await check.CostLineItems.Select(c => c.BillingAccountId).Distinct().ToListAsync());
    }
}
