using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Portal.IntegrationTests.Delivery;
using Portal.Web.Features.Identity;
using Portal.Web.Features.Scorecards;

namespace Portal.IntegrationTests.Scorecards;

/// <summary>
/// Delivery and incident checks end to end: builds and deployments posted through the delivery API, an on-call schedule
/// saved through its API and a receiver configured for one team, then a scorecard with these rules evaluated by the job.
/// </summary>
public sealed class ScorecardDeliveryIncidentTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IAsyncLifetime
{
    private const string Card = """
        apiVersion: portal/v1
        kind: Scorecard
        metadata:
          name: scd-operations
        spec:
          owner: platform
          levels: [Bronze, Silver]
          filter:
            tags: [scd-probe]
          rules:
            - id: deploys
              level: Bronze
              check: delivery.deployFrequency
              params: { perWeek: 2, days: 28 }
            - id: builds
              level: Bronze
              check: delivery.buildSuccess
              params: { minPercent: 90 }
            - id: on-call
              level: Silver
              check: incident.onCall
            - id: routed
              level: Silver
              check: incident.alertRouting
        """;

    private static readonly string[] OnCallPeople = ["ana.silva"];

    public async Task InitializeAsync()
    {
        // Nothing is sent in this test (no incident opens): the receiver only says which team's incidents are routed.
        factory.Settings["Portal:Incidents:Receivers:0:Url"] = "http://127.0.0.1:9/scd-routed";
        factory.Settings["Portal:Incidents:Receivers:0:Format"] = "json";
        factory.Settings["Portal:Incidents:Receivers:0:Team"] = "group:default/scd-routed";
        await factory.SeedDemoAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static async Task EntityAsync(HttpClient admin, object entity)
    {
        var response = await admin.PostAsJsonAsync("/api/catalog/entities", entity);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static object Component(string name, string owner) => new
    {
        apiVersion = "backstage.io/v1alpha1", kind = "Component",
        metadata = new { name, tags = new[] { "scd-probe" } },
        spec = new { type = "service", lifecycle = "production", owner },
    };

    private static object Group(string name) => new
    {
        apiVersion = "backstage.io/v1alpha1", kind = "Group", metadata = new { name }, spec = new { type = "team", children = Array.Empty<string>() },
    };

    private static async Task BuildsAsync(HttpClient ci, string component, int succeeded, int failed, DateTimeOffset now)
    {
        for (var i = 0; i < succeeded + failed; i++)
        {
            var started = now.AddDays(-1).AddHours(-i);
            var response = await DeliveryKit.PostBuildAsync(ci, new
            {
                component, pipeline = "ci", runId = $"b{i}", commitSha = "0123456789abcdef0123456789abcdef01234567", branch = "main",
                status = i < succeeded ? "succeeded" : "failed", startedAt = started, finishedAt = started.AddMinutes(5),
            });
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }
    }

    private static async Task DeploymentsAsync(HttpClient ci, string component, int count, DateTimeOffset now)
    {
        for (var i = 0; i < count; i++)
        {
            var finished = now.AddDays(-(i * 3) - 1);
            var response = await DeliveryKit.PostDeploymentAsync(ci, new
            {
                component, environment = "production", runId = $"d{i}", version = $"1.0.{i}", commitSha = "0123456789abcdef0123456789abcdef01234567",
                status = "succeeded", startedAt = finished.AddMinutes(-4), finishedAt = finished,
            });
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }
    }

    [Fact]
    public async Task Deploys_builds_on_call_and_routing_decide_the_level_and_a_component_without_events_is_no_data()
    {
        using var admin = factory.AdminClient();
        await EntityAsync(admin, Group("scd-routed"));
        await EntityAsync(admin, Group("scd-silent"));
        await EntityAsync(admin, Component("scd-busy", "group:default/scd-routed"));
        await EntityAsync(admin, Component("scd-slow", "group:default/scd-silent"));
        await EntityAsync(admin, Component("scd-quiet", "group:default/scd-silent"));
        var ciToken = await DeliveryKit.ServiceTokenAsync(factory, "scd-ci", [PortalScopes.DeliveryWrite, PortalScopes.CatalogRead]);
        using var ci = factory.ClientWithToken(ciToken);
        var now = DateTimeOffset.UtcNow;
        // busy: 8 deployments in 28 days (exactly 2 a week) and 9 of 10 builds green (exactly 90 %); slow: 7 and 8 of 9.
        await DeploymentsAsync(ci, "scd-busy", 8, now);
        await BuildsAsync(ci, "scd-busy", 9, 1, now);
        await DeploymentsAsync(ci, "scd-slow", 7, now);
        await BuildsAsync(ci, "scd-slow", 8, 1, now);
        var schedule = await admin.PutAsJsonAsync("/api/oncall/schedules/scd-routed-primary", new
        {
            team = "group:default/scd-routed",
            layers = new[] { new { name = "Primary", users = OnCallPeople, rotationStart = now.AddDays(-1), handoffHours = 168, escalateAfterMinutes = 5 } },
        });
        Assert.Equal(HttpStatusCode.OK, schedule.StatusCode);
        var imported = await admin.PostAsync("/api/scorecards/import", new StringContent(Card, Encoding.UTF8, "application/yaml"));
        Assert.Equal(HttpStatusCode.OK, imported.StatusCode);

        await factory.Services.GetRequiredService<ScorecardEvaluationJob>().RunAsync(null, CancellationToken.None);

        var busy = await CardAsync(admin, "scd-busy");
        Assert.Equal("Silver", busy.Level);
        Assert.All(busy.Rules, r => Assert.Equal(RuleOutcome.Pass, r.Outcome));
        Assert.Equal("8 in 28 days", busy.Rules.Single(r => r.Id == "deploys").Value);
        Assert.Equal("90 %", busy.Rules.Single(r => r.Id == "builds").Value);

        var slow = await CardAsync(admin, "scd-slow");
        Assert.Null(slow.Level);
        Assert.Equal("fail,fail,fail,fail", string.Join(',', slow.Rules.Select(r => r.Outcome)));
        Assert.Equal("7 in 28 days", slow.Rules.Single(r => r.Id == "deploys").Value);
        Assert.Contains("(8/9)", slow.Rules.Single(r => r.Id == "builds").Why, StringComparison.Ordinal);

        var quiet = await CardAsync(admin, "scd-quiet");
        Assert.Null(quiet.Level);
        Assert.Equal("no-data,no-data", string.Join(',', quiet.Rules.Where(r => r.Level == "Bronze").Select(r => r.Outcome)));
        Assert.Contains("never sent a delivery event", quiet.Rules.Single(r => r.Id == "deploys").Why, StringComparison.Ordinal);

        // One more deployment lifts slow's frequency to the threshold on the next run.
        var extra = await DeliveryKit.PostDeploymentAsync(ci, new
        {
            component = "scd-slow", environment = "production", runId = "d-extra", version = "1.1.0", commitSha = "0123456789abcdef0123456789abcdef01234567",
            status = "succeeded", startedAt = now.AddHours(-2), finishedAt = now.AddHours(-1),
        });
        Assert.Equal(HttpStatusCode.Created, extra.StatusCode);
        await factory.Services.GetRequiredService<ScorecardEvaluationJob>().RunAsync(null, CancellationToken.None);
        Assert.Equal(RuleOutcome.Pass, (await CardAsync(admin, "scd-slow")).Rules.Single(r => r.Id == "deploys").Outcome);
    }

    private static async Task<EntityScorecard> CardAsync(HttpClient client, string name) =>
        (await client.GetFromJsonAsync<List<EntityScorecard>>($"/api/scorecards/entities/component/default/{name}"))!.Single(c => c.Scorecard == "scd-operations");
}
