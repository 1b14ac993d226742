using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Hangfire;
using MudBlazor;
using Portal.Web.Components.Home;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Cost;
using Portal.Web.Features.Identity;
using Portal.Web.Features.Incidents;
using Portal.Web.Features.Scorecards;
using Portal.IntegrationTests.Cost;
using Portal.TestSupport;
using Portal.Web.Infrastructure.Extensions;

namespace Portal.IntegrationTests.Home;

/// <summary>
/// The personal home's second round (issue #24): the facts other features add to "My services" (SLO status, cost this month
/// against the component's budget, scorecard level), loaded in one batch per column through the features' read surfaces,
/// and the incidents on my teams' components. Real PostgreSQL; data through the API, the scorecard job and the incident
/// listener as the portal itself would.
/// </summary>
public sealed class HomeFactsQueryTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IAsyncLifetime
{
    private PortalUser _ana = null!; // payments member
    private PortalUser _dana = null!; // checkout member

    public async Task InitializeAsync()
    {
        await factory.SeedDemoAsync();
        (_ana, _) = await factory.UserWithTokenAsync("ana.silva", "ana.silva@northwind.example");
        (_dana, _) = await factory.UserWithTokenAsync("dana.kim", "dana.kim@northwind.example");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<IReadOnlySet<string>> TeamsAsync(PortalUser user)
    {
        await using var db = await factory.DbAsync();
        var (_, teams) = await factory.Services.GetRequiredService<TeamDirectory>()(db, user.UserName, user.Email, [], CancellationToken.None);
        return teams;
    }

    [Fact]
    public async Task My_services_show_each_components_slo_status_cost_against_its_budget_and_scorecard_level_in_one_batch_per_column()
    {
        using var admin = factory.AdminClient();
        var slo = await admin.PostAsJsonAsync("/api/slos",
            new { name = "home-facts-gateway", component = "payment-gateway", indicator = "availability", target = 0.999m, window = new { kind = "rolling", days = 7 } });
        Assert.Equal(HttpStatusCode.Created, slo.StatusCode);

        // 150.00 for the gateway this month against a 100.00 budget: over it. Kept inside the current month.
        var hour = DateTime.UtcNow.AddHours(-1);
        hour = new DateTime(hour.Year, hour.Month, hour.Day, hour.Hour, 0, 0, DateTimeKind.Utc);
        if (hour.AddHours(1).Month != hour.Month)
        {
            hour = hour.AddHours(-1);
        }
        FocusRow[] rows =
        [
            FocusCsvWriter.Usage(hour, 150.00m, "AWS", "Amazon EC2", "Compute", "us-east-1", "i-home-gateway",
                new Dictionary<string, string> { ["team"] = "payments", ["component"] = "payment-gateway" }, "home-facts-account"),
            FocusCsvWriter.Usage(hour, 7.50m, "AWS", "Amazon EC2", "Compute", "us-east-1", "i-home-cart",
                new Dictionary<string, string> { ["team"] = "checkout", ["component"] = "cart-service" }, "home-facts-account"),
        ];
        Assert.Equal(HttpStatusCode.Created, (await CostKit.ImportAsync(admin, "home-facts.csv", rows)).StatusCode);
        Assert.Equal(HttpStatusCode.OK,
            (await admin.PutAsJsonAsync("/api/cost/budgets", new BudgetRequest("payments", 100m, "payment-gateway"))).StatusCode);

        await using (var db = await factory.DbAsync())
        {
            await ScorecardEvaluation.RunAsync(db, null, DateTimeOffset.UtcNow, CancellationToken.None);
        }

        var teams = await TeamsAsync(_ana);
        await using var read = await factory.DbAsync();
        var owned = (await MyCatalog.OwnedComponentsAsync(read, teams, 50, CancellationToken.None)).Items.Select(i => i.Ref).ToList();
        Assert.Contains("component:default/payment-gateway", owned);
        var columns = factory.Services.GetServices<IComponentFactColumn>().ToList();

        var facts = await MyCatalog.FactsAsync(read, columns, owned, DateTimeOffset.UtcNow, CancellationToken.None);

        Assert.Equal(["SLOs", "Cost this month", "Scorecard"], facts.Select(f => f.Column.Title));
        var (sloFacts, costFacts, scoreFacts) = (facts[0].Facts, facts[1].Facts, facts[2].Facts);

        // An SLO without data yet says so, and links to the component's SLO tab.
        var gatewaySlo = sloFacts["component:default/payment-gateway"];
        Assert.Equal("No data", gatewaySlo.Text);
        Assert.StartsWith("1 SLO", gatewaySlo.Detail!, StringComparison.Ordinal);
        Assert.Equal("/catalog/component/default/payment-gateway?tab=slos", gatewaySlo.Href);
        // A component of the team without an SLO has no SLO fact (the card shows a dash), rather than a made-up status.
        Assert.Contains(owned, r => !sloFacts.ContainsKey(r));

        // Over budget is an error, with the share spent.
        var gatewayCost = costFacts["component:default/payment-gateway"];
        Assert.Equal("150.00 USD", gatewayCost.Text);
        Assert.Equal(Color.Error, gatewayCost.Color);
        Assert.Equal("150 % of the 100 budget", gatewayCost.Detail);
        // Only the components asked for: the other team's cart is not among them.
        Assert.DoesNotContain("component:default/cart-service", costFacts.Keys);

        // Every owned component was evaluated, so each has a scorecard cell naming the scorecard and linking to the tab.
        Assert.All(owned, r => Assert.Contains(r, scoreFacts.Keys));
        var gatewayScore = scoreFacts["component:default/payment-gateway"];
        Assert.EndsWith("?tab=scorecards", gatewayScore.Href!, StringComparison.Ordinal);
        Assert.Contains(":", gatewayScore.Hint!, StringComparison.Ordinal);

        // Nobody's components: every column answers empty without asking the database for everything.
        var none = await MyCatalog.FactsAsync(read, columns, [], DateTimeOffset.UtcNow, CancellationToken.None);
        Assert.All(none, f => Assert.Empty(f.Facts));
    }

    [Fact]
    public async Task Incidents_on_my_services_are_my_teams_open_ones_first_then_those_resolved_this_week()
    {
        var listener = factory.Services.GetServices<IAlertListener>().Single(l => l is IncidentAlertListener);
        var now = DateTimeOffset.UtcNow;
        await listener.OnAlertsAsync(
        [
            Firing("component:default/payment-gateway", "home-incidents-gateway", now.AddMinutes(-30)),
            Firing("component:default/refund-service", "home-incidents-refunds", now.AddMinutes(-10)),
            Firing("component:default/cart-service", "home-incidents-cart", now.AddMinutes(-5)),
        ], CancellationToken.None);
        await using (var db = await factory.DbAsync())
        {
            // One resolved yesterday (shown after the open ones) and one resolved a month ago (gone from the home).
            var refunds = db.Incidents.Single(i => i.SloName == "home-incidents-refunds");
            refunds.Status = IncidentLifecycle.Resolved;
            refunds.ResolvedAt = now.AddDays(-1);
            db.Incidents.Add(new Incident
            {
                Title = "home-incidents-old", ComponentRef = "component:default/payment-gateway", Severity = "page", Status = IncidentLifecycle.Resolved,
                TriggeredAt = now.AddDays(-31), ResolvedAt = now.AddDays(-30), SloName = "home-incidents-old",
            });
            await db.SaveChangesAsync();
        }

        await using var read = await factory.DbAsync();
        var (mine, open) = await MyIncidents.ForTeamsAsync(read, await TeamsAsync(_ana), DateTimeOffset.UtcNow, 10, CancellationToken.None);
        var names = mine.Select(i => i.SloName).ToList();
        Assert.Equal(1, open);
        Assert.Equal(["home-incidents-gateway", "home-incidents-refunds"], names);

        var (theirs, theirOpen) = await MyIncidents.ForTeamsAsync(read, await TeamsAsync(_dana), DateTimeOffset.UtcNow, 10, CancellationToken.None);
        Assert.Equal(["home-incidents-cart"], theirs.Select(i => i.SloName));
        Assert.Equal(1, theirOpen);

        Assert.Empty((await MyIncidents.ForTeamsAsync(read, new HashSet<string>(), DateTimeOffset.UtcNow, 10, CancellationToken.None)).Incidents);
    }

    [Fact]
    public async Task Platform_health_shows_the_portals_own_slos_and_says_when_the_catalog_lacks_its_component()
    {
        var jobs = factory.Services.GetRequiredService<JobStorage>();
        await using var db = await factory.DbAsync();
        var before = await PlatformHealth.LoadAsync(db, jobs, "portal", DateTimeOffset.UtcNow, CancellationToken.None);
        Assert.Equal("component:default/portal", before.SelfComponent); // the demo organisation's component for the self-metrics
        Assert.True(before.Servers >= 1, "the test portal runs a Hangfire server");

        using var admin = factory.AdminClient();
        var slo = await admin.PostAsJsonAsync("/api/slos",
            new { name = "home-portal-availability", displayName = "Portal availability", component = "portal", indicator = "availability", target = 0.999m, window = new { kind = "rolling", days = 7 } });
        Assert.Equal(HttpStatusCode.Created, slo.StatusCode);
        var after = await PlatformHealth.LoadAsync(db, jobs, "portal", DateTimeOffset.UtcNow, CancellationToken.None);
        Assert.Contains(after.Slos, s => s.Name == "home-portal-availability");
        // A name the catalog does not know is reported as such (the card then says what to register), not as healthy.
        Assert.Null((await PlatformHealth.LoadAsync(db, jobs, "no-such-portal", DateTimeOffset.UtcNow, CancellationToken.None)).SelfComponent);
    }

    [Fact]
    public async Task Recently_visited_keeps_each_persons_last_eight_entity_pages_newest_first_and_a_revisit_moves_to_the_top()
    {
        string[] refs =
        [
            "component:default/payment-gateway", "component:default/refund-service", "component:default/fraud-scoring", "component:default/payout-scheduler",
            "component:default/wallet-adapter", "component:default/order-service", "component:default/cart-service", "system:default/payments",
            "system:default/checkout", "group:default/payments",
        ];
        var start = DateTimeOffset.UtcNow.AddMinutes(-30);
        await using var db = await factory.DbAsync();
        for (var i = 0; i < refs.Length; i++)
        {
            await CatalogVisits.RecordAsync(db, _ana.Id, refs[i], start.AddMinutes(i), CancellationToken.None);
        }
        await CatalogVisits.RecordAsync(db, _dana.Id, "component:default/cart-service", start, CancellationToken.None);
        // Ana opens the gateway again: it comes back to the top and the oldest left is dropped.
        await CatalogVisits.RecordAsync(db, _ana.Id, refs[0], start.AddMinutes(20), CancellationToken.None);

        var recent = await CatalogVisits.RecentAsync(db, _ana.Id, CancellationToken.None);
        Assert.Equal([refs[0], .. Enumerable.Reverse(refs[3..])], recent.Select(r => r.Item.Ref));
        Assert.Equal(CatalogVisits.Kept, recent.Count);
        var kept = (long)(await PostgresProbe.ScalarAsync(factory.ConnectionString, $"SELECT count(*) FROM catalog_visits WHERE user_id = '{_ana.Id}'"))!;
        Assert.Equal(CatalogVisits.Kept, kept); // the table holds no more than is shown
        Assert.Equal(["component:default/cart-service"], (await CatalogVisits.RecentAsync(db, _dana.Id, CancellationToken.None)).Select(r => r.Item.Ref));

        // A visited entity that left the catalog is not offered.
        await CatalogVisits.RecordAsync(db, _dana.Id, "component:default/gone-away", start.AddMinutes(5), CancellationToken.None);
        Assert.Equal(["component:default/cart-service"], (await CatalogVisits.RecentAsync(db, _dana.Id, CancellationToken.None)).Select(r => r.Item.Ref));
    }

    [Theory]
    [InlineData(12, "12 s ago")]
    [InlineData(240, "4 min ago")]
    [InlineData(3 * 3600 + 5, "3 h ago")]
    [InlineData(3 * 86400, "3 days ago")]
    public void Ages_read_in_the_largest_whole_unit(int seconds, string expected)
    {
        var now = DateTimeOffset.UtcNow;
        Assert.Equal(expected, PlatformHealth.Ago(now.AddSeconds(-seconds), now));
    }

    private static AlertChange Firing(string component, string slo, DateTimeOffset at) =>
        new("slo.alert.firing", Guid.NewGuid(), Guid.NewGuid(), slo, component, "page-1h-5m", "page", $"{slo} burns its budget", "burn rate 20× over 1h",
            null, new Dictionary<string, string>(), at);
}
