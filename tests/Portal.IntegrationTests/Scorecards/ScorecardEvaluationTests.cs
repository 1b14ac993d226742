using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.IntegrationTests.Catalog;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Scorecards;
using static Portal.IntegrationTests.Catalog.CatalogFolder;

namespace Portal.IntegrationTests.Scorecards;

/// <summary>The built-in scorecards over the demo organisation, and a real git commit that raises a component's level.</summary>
public sealed class ScorecardEvaluationTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IDisposable
{
    private readonly CatalogFolder _files = new();

    public void Dispose() => _files.Dispose();

    private ScorecardEvaluationJob Job() => factory.Services.GetRequiredService<ScorecardEvaluationJob>();

    private static string Ledger(string links) => $"""
        apiVersion: backstage.io/v1alpha1
        kind: Component
        metadata:
          name: sc-ledger
          description: Keeps the payments ledger.
          annotations:
            backstage.io/source-location: url:https://git.example/sc-ledger
        {links}
        spec:
          type: service
          lifecycle: production
          owner: payments
          system: payments
          dependsOn: [resource:payments-db]
        """;

    [Fact]
    public async Task Built_in_scorecards_judge_every_demo_component_and_a_runbook_commit_raises_the_level_with_history()
    {
        await factory.SeedDemoAsync();
        var repo = Path.Combine(_files.Root, "ledger");
        Directory.CreateDirectory(repo);
        Git(repo, "init", "-q", "-b", "main");
        File.WriteAllText(Path.Combine(repo, "catalog-info.yaml"), Ledger(""));
        Git(repo, "add", "-A");
        Git(repo, "commit", "-q", "-m", "ledger without a runbook");
        using var admin = factory.AdminClient();
        var created = await admin.PostAsJsonAsync("/api/catalog/locations", new { type = "git", target = "file://" + repo, branch = "main" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var locationId = (await created.Content.ReadFromJsonAsync<JsonObject>())!["location"]!["id"]!.GetValue<string>();

        await Job().RunAsync(null, CancellationToken.None);

        List<string> components, production;
        await using (var db = await factory.DbAsync())
        {
            components = await CatalogReads.Active(db, CatalogKinds.Component).Select(c => c.Ref).OrderBy(r => r).ToListAsync();
            production = await CatalogReads.Active(db, CatalogKinds.Component).Where(c => c.Lifecycle == "production").Select(c => c.Ref).OrderBy(r => r).ToListAsync();
        }
        Assert.True(components.Count > 40, $"the demo organisation has {components.Count} components");
        var pre = await admin.GetFromJsonAsync<List<ScorecardResultRow>>("/api/scorecards/results?scorecard=pre-production&kind=component&limit=100000");
        Assert.Equal(components, pre!.Select(r => r.EntityRef).Order(StringComparer.Ordinal));
        var ready = await admin.GetFromJsonAsync<List<ScorecardResultRow>>("/api/scorecards/results?scorecard=production-readiness&limit=100000");
        Assert.Equal(production, ready!.Select(r => r.EntityRef).Order(StringComparer.Ordinal));
        // The demo components carry a runbook and a dashboard, a team owner and a system: Bronze at least.
        Assert.All(ready!.Where(r => r.EntityRef.StartsWith("component:default/payment-gateway", StringComparison.Ordinal)), r => Assert.NotNull(r.Level));

        var before = await EntityCardAsync(admin, "production-readiness");
        Assert.Null(before.Level);
        var runbook = before.Rules.Single(r => r.Id == "runbook");
        Assert.Equal(RuleOutcome.Fail, runbook.Outcome);
        Assert.Equal("No link's title, type or URL mentions 'runbook' (0 links).", runbook.Why);
        Assert.Equal("a link matching 'runbook'", runbook.Threshold);
        // No telemetry and no SLOs here: the SLO rules say so rather than passing.
        Assert.Equal(RuleOutcome.NoData, before.Rules.Single(r => r.Id == "slo-met").Outcome);
        Assert.False(await Job().OnCatalogChangeAsync(CancellationToken.None));

        File.WriteAllText(Path.Combine(repo, "catalog-info.yaml"), Ledger("""
              links:
                - url: https://runbooks.example/sc-ledger
                  title: Runbook
            """));
        Git(repo, "commit", "-q", "-am", "add the runbook link");
        var refreshed = await admin.PostAsync(new Uri($"/api/catalog/locations/{locationId}/refresh", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        Assert.True(await Job().OnCatalogChangeAsync(CancellationToken.None));

        var after = await EntityCardAsync(admin, "production-readiness");
        Assert.Equal("Bronze", after.Level);
        Assert.Equal(RuleOutcome.Pass, after.Rules.Single(r => r.Id == "runbook").Outcome);
        Assert.Equal([("Bronze"), null], after.History.Select(h => h.Level));
        Assert.True(after.History[0].Passed > after.History[1].Passed);

        // Idempotent: evaluating unchanged signals again adds no history.
        await Job().RunAsync(null, CancellationToken.None);
        Assert.Equal(2, (await EntityCardAsync(admin, "production-readiness")).History.Count);
    }

    private static async Task<EntityScorecard> EntityCardAsync(HttpClient client, string scorecard) =>
        (await client.GetFromJsonAsync<List<EntityScorecard>>("/api/scorecards/entities/component/default/sc-ledger"))!.Single(c => c.Scorecard == scorecard);
}
