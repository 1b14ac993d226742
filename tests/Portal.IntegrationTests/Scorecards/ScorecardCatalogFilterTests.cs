using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Portal.Web.Features.Scorecards;
using Portal.Web.Infrastructure.Extensions;

namespace Portal.IntegrationTests.Scorecards;

/// <summary>The catalog list's filters by scorecard level and rule result, as the catalog sees them through its extension point.</summary>
public sealed class ScorecardCatalogFilterTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>
{
    [Fact]
    public async Task Level_and_rule_filters_select_exactly_the_entities_the_stored_results_name()
    {
        await factory.SeedDemoAsync();
        await factory.Services.GetRequiredService<ScorecardEvaluationJob>().RunAsync(null, CancellationToken.None);
        var filters = factory.Services.GetServices<ICatalogListFilter>().ToDictionary(f => f.Param);
        var level = filters["scorecardLevel"];
        var rule = filters["scorecardRule"];
        using var admin = factory.AdminClient();
        var results = (await admin.GetFromJsonAsync<List<ScorecardResultRow>>("/api/scorecards/results?scorecard=production-readiness&limit=100000"))!;

        var options = await level.OptionsAsync(CancellationToken.None);
        Assert.Contains(new CatalogFilterOption("production-readiness/silver", "Production readiness: Silver"), options);
        Assert.Contains(new CatalogFilterOption("production-readiness/none", "Production readiness: no level"), options);
        foreach (var (value, name) in new[] { ("bronze", "Bronze"), ("silver", "Silver"), ("gold", "Gold") })
        {
            Assert.Equal(results.Where(r => r.Level == name).Select(r => r.EntityRef).Order(StringComparer.Ordinal),
                (await level.EntityRefsAsync($"production-readiness/{value}", CancellationToken.None))!.Order(StringComparer.Ordinal));
        }
        Assert.Equal(results.Where(r => r.Level is null).Select(r => r.EntityRef).Order(StringComparer.Ordinal),
            (await level.EntityRefsAsync("production-readiness/none", CancellationToken.None))!.Order(StringComparer.Ordinal));

        // Each entity has exactly one result for a rule: the three outcomes split the scorecard's entities.
        var pass = (await rule.EntityRefsAsync("production-readiness/runbook/pass", CancellationToken.None))!;
        var fail = (await rule.EntityRefsAsync("production-readiness/runbook/fail", CancellationToken.None))!;
        var noData = (await rule.EntityRefsAsync("production-readiness/slo-met/no-data", CancellationToken.None))!;
        Assert.NotEmpty(pass);
        Assert.Empty(pass.Intersect(fail));
        Assert.Equal(results.Count, pass.Count + fail.Count + (await rule.EntityRefsAsync("production-readiness/runbook/no-data", CancellationToken.None))!.Count);
        Assert.NotEmpty(noData);
        var sample = pass.First();
        var card = (await admin.GetFromJsonAsync<List<EntityScorecard>>($"/api/scorecards/entities/{sample.Replace(':', '/')}"))!.Single(c => c.Scorecard == "production-readiness");
        Assert.Equal(RuleOutcome.Pass, card.Rules.Single(r => r.Id == "runbook").Outcome);

        // A value that is not a choice selects nothing rather than everything.
        Assert.Null(await level.EntityRefsAsync("production-readiness/platinum", CancellationToken.None));
        Assert.Null(await level.EntityRefsAsync("no-such-card/bronze", CancellationToken.None));
        Assert.Null(await rule.EntityRefsAsync("production-readiness/runbook/maybe", CancellationToken.None));
        Assert.Null(await rule.EntityRefsAsync("production-readiness/no-such-rule/pass", CancellationToken.None));
    }
}
