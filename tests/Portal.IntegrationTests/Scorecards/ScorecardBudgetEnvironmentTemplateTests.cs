using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Portal.IntegrationTests.Cost;
using Portal.IntegrationTests.Environments;
using Portal.IntegrationTests.Templates;
using Portal.Web.Features.Cost;
using Portal.Web.Features.Environments;
using Portal.Web.Features.Scorecards;
using Portal.Web.Features.Templates;

namespace Portal.IntegrationTests.Scorecards;

/// <summary>
/// The budget, environment compliance and template checks end to end: cost imported and budgets set through the Cost API,
/// an environment requested through the Environments API and then put out of policy by a new policy version, a component
/// made by a real scaffolder run whose template then changes; a scorecard with these rules evaluated by the real job.
/// </summary>
public sealed class ScorecardBudgetEnvironmentTemplateTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IAsyncLifetime
{
    private const string Card = """
        apiVersion: portal/v1
        kind: Scorecard
        metadata:
          name: sbt-checks
        spec:
          owner: platform
          levels: [Bronze]
          filter:
            kind: [Component]
          rules:
            - id: budget
              level: Bronze
              check: cost.withinBudget
            - id: compliant
              level: Bronze
              check: environment.compliant
            - id: from-template
              level: Bronze
              check: template.created
            - id: template-version
              level: Bronze
              check: template.current
              params: { days: 0 }
        """;

    private string _ana = "";

    public async Task InitializeAsync()
    {
        factory.Settings["Portal:Jobs:WorkerCount"] = "2";
        await factory.SeedDemoAsync();
        (_, _ana) = await factory.UserWithTokenAsync("ana.silva", "ana.silva@northwind.example");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static async Task EntityAsync(HttpClient admin, object entity)
    {
        var response = await admin.PostAsJsonAsync("/api/catalog/entities", entity);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static object Component(string name, string owner) => new
    {
        apiVersion = "backstage.io/v1alpha1", kind = "Component", metadata = new { name },
        spec = new { type = "service", lifecycle = "production", owner },
    };

    private async Task EvaluateAsync() => await factory.Services.GetRequiredService<ScorecardEvaluationJob>().RunAsync(null, CancellationToken.None);

    private static async Task<Dictionary<string, RuleResult>> RulesAsync(HttpClient client, string name) =>
        (await client.GetFromJsonAsync<List<EntityScorecard>>($"/api/scorecards/entities/component/default/{name}"))!
            .Single(c => c.Scorecard == "sbt-checks").Rules.ToDictionary(r => r.Id);

    [Fact]
    public async Task Budgets_environment_policy_and_template_runs_are_judged_from_the_features_own_data()
    {
        using var admin = factory.AdminClient();
        using var ana = factory.ClientWithToken(_ana);
        await EntityAsync(admin, new { apiVersion = "backstage.io/v1alpha1", kind = "Group", metadata = new { name = "sbt-team" }, spec = new { type = "team", children = Array.Empty<string>() } });
        await EntityAsync(admin, Component("sbt-shared", "group:default/sbt-team"));
        await EntityAsync(admin, Component("sbt-costly", "group:default/sbt-team"));

        // This month: 60.00 tagged to sbt-costly, 30.00 to the team only. The team's budget is 100 (90 % used), sbt-costly's own 50 (120 %).
        var hour = DateTime.UtcNow.AddHours(-1);
        hour = new DateTime(hour.Year, hour.Month, hour.Day, hour.Hour, 0, 0, DateTimeKind.Utc);
        if (hour.AddHours(1).Month != hour.Month)
        {
            hour = hour.AddHours(-1);
        }
        FocusRow[] rows =
        [
            FocusCsvWriter.Usage(hour, 60.00m, "AWS", "Amazon EC2", "Compute", "us-east-1", "i-sbt-costly",
                new Dictionary<string, string> { ["team"] = "sbt-team", ["service"] = "sbt-costly" }, "sbt-account"),
            FocusCsvWriter.Usage(hour, 30.00m, "AWS", "Amazon S3", "Storage", "us-east-1", "b-sbt-shared",
                new Dictionary<string, string> { ["team"] = "sbt-team" }, "sbt-account"),
        ];
        Assert.Equal(HttpStatusCode.Created, (await CostKit.ImportAsync(admin, "sbt-this-month.csv", rows)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/cost/budgets", new BudgetRequest("sbt-team", 100m))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/cost/budgets", new BudgetRequest("sbt-team", 50m, "sbt-costly"))).StatusCode);

        // A dev environment for sbt-shared, made within the default policy.
        var environment = await EnvironmentKit.RequestAsync(admin, new EnvironmentRequest("sbt-shared-dev", "sbt-shared", "dev", "small"));
        await EnvironmentKit.WaitForStatusAsync(admin, environment.Id, "Ready");

        // A component made by a real scaffolder run (publish to git, catalog:register).
        var templateFile = TemplateKit.WriteServiceTemplate(Path.Combine(factory.TemplatesFolder, "sbt-templates"), "sbt-template");
        var registered = await admin.PostAsJsonAsync("/api/catalog/locations", new { type = "file", target = templateFile });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var templateLocation = (await registered.Content.ReadFromJsonAsync<JsonObject>())!["location"]!["id"]!.GetValue<string>();
        var task = await TemplateKit.CreateTaskAsync(ana, "template:default/sbt-template", new { name = "sbt-made", owner = "group:default/payments" });
        await TemplateKit.WaitForAsync(ana, task, ScaffolderTaskStatus.Completed);

        var imported = await admin.PostAsync("/api/scorecards/import", new StringContent(Card, Encoding.UTF8, "application/yaml"));
        Assert.True(imported.StatusCode == HttpStatusCode.OK, await imported.Content.ReadAsStringAsync());
        await EvaluateAsync();

        var shared = await RulesAsync(admin, "sbt-shared");
        Assert.Equal((RuleOutcome.Pass, "90 %"), (shared["budget"].Outcome, shared["budget"].Value));
        Assert.StartsWith("Its owner team spent 90.00 of its 100.00 USD budget", shared["budget"].Why, StringComparison.Ordinal);
        Assert.Equal((RuleOutcome.Pass, "1/1 compliant"), (shared["compliant"].Outcome, shared["compliant"].Value));
        Assert.Equal((RuleOutcome.Fail, "no"), (shared["from-template"].Outcome, shared["from-template"].Value));
        Assert.Equal(RuleOutcome.NoData, shared["template-version"].Outcome);

        var costly = await RulesAsync(admin, "sbt-costly");
        Assert.Equal((RuleOutcome.Fail, "120 %"), (costly["budget"].Outcome, costly["budget"].Value));
        Assert.StartsWith("The component spent 60.00 of its 50.00 USD budget", costly["budget"].Why, StringComparison.Ordinal);
        Assert.Equal(RuleOutcome.NoData, costly["compliant"].Outcome);
        Assert.Contains("has no environment that exists", costly["compliant"].Why, StringComparison.Ordinal);

        var made = await RulesAsync(admin, "sbt-made");
        Assert.Equal((RuleOutcome.Pass, "template:default/sbt-template"), (made["from-template"].Outcome, made["from-template"].Value));
        Assert.Equal((RuleOutcome.Pass, "current"), (made["template-version"].Outcome, made["template-version"].Value));
        // payments has no budget in this test: unknown, not within budget.
        Assert.Equal(RuleOutcome.NoData, made["budget"].Outcome);

        // A new policy version no longer allows small dev environments; the template gets a new version.
        var policy = EnvironmentPolicySet.DefaultYaml.Replace("  dev:\n    tiers: [small, medium]", "  dev:\n    tiers: [medium]", StringComparison.Ordinal);
        Assert.NotEqual(EnvironmentPolicySet.DefaultYaml, policy);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/environments/policy", new SavePolicyRequest(policy, "dev is medium only"))).StatusCode);
        await File.WriteAllTextAsync(templateFile, (await File.ReadAllTextAsync(templateFile)).Replace("A README and a catalog entry.", "A README, a catalog entry and more.", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync(new Uri($"/api/catalog/locations/{templateLocation}/refresh", UriKind.Relative), null)).StatusCode);
        await EvaluateAsync();

        var compliant = (await RulesAsync(admin, "sbt-shared"))["compliant"];
        Assert.Equal((RuleOutcome.Fail, "0/1 compliant"), (compliant.Outcome, compliant.Value));
        Assert.Equal("Not compliant with the environment policy: sbt-shared-dev: tier small not allowed for dev.", compliant.Why);
        var version = (await RulesAsync(admin, "sbt-made"))["template-version"];
        Assert.Equal((RuleOutcome.Pass, "0 days behind"), (version.Outcome, version.Value));
        Assert.Contains("template:default/sbt-template changed since this entity was made from it", version.Why, StringComparison.Ordinal);
    }
}
