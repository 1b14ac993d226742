using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Portal.IntegrationTests.Catalog;
using Portal.TestSupport;
using Portal.Web.Features.Scorecards;
using static Portal.IntegrationTests.Catalog.CatalogFolder;

namespace Portal.IntegrationTests.Scorecards;

/// <summary>
/// A campaign over real git descriptors: the teams' counts move when a commit makes a component pass, the history keeps both
/// points, the team sees what is left, and the team still behind is reminded once through a real webhook receiver.
/// </summary>
public sealed class ScorecardCampaignTests(PortalAppFactory factory, WebhookRecorder webhook)
    : IClassFixture<PortalAppFactory>, IClassFixture<WebhookRecorder>, IAsyncLifetime, IDisposable
{
    private readonly CatalogFolder _files = new();

    public async Task InitializeAsync()
    {
        factory.Settings["Portal:Notifications:WebhookUrl"] = webhook.Url;
        await factory.SeedDemoAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _files.Dispose();

    private const string Scorecard = """
        apiVersion: portal/v1
        kind: Scorecard
        metadata:
          name: camp-ready
          title: Campaign readiness
        spec:
          owner: platform
          levels: [Bronze, Silver]
          filter:
            kind: [Component]
            tags: [camp-test]
          rules:
            - id: described
              level: Bronze
              check: field.present
              params: { field: description }
            - id: runbook
              level: Silver
              check: link.present
              params: { match: runbook }
              howToFix: Add a link titled Runbook under metadata.links.
        """;

    private static string Component(string name, string owner, bool runbook) => $"""
        apiVersion: backstage.io/v1alpha1
        kind: Component
        metadata:
          name: {name}
          description: Campaign test component.
          tags: [camp-test]
        {(runbook ? "  links:\n    - url: https://runbooks.example/" + name + "\n      title: Runbook\n" : "")}spec:
          type: service
          lifecycle: production
          owner: {owner}
        """;

    private static void Write(string repo, bool bRunbook) => File.WriteAllText(Path.Combine(repo, "catalog-info.yaml"), string.Join("\n---\n",
        Component("camp-a", "payments", runbook: true), Component("camp-b", "payments", bRunbook), Component("camp-c", "search", runbook: false)));

    private ScorecardEvaluationJob Job() => factory.Services.GetRequiredService<ScorecardEvaluationJob>();

    [Fact]
    public async Task Progress_counts_per_team_change_as_a_commit_makes_a_component_pass_and_the_team_behind_is_reminded_once()
    {
        using var admin = factory.AdminClient();
        var imported = await admin.PostAsync("/api/scorecards/import", new StringContent(Scorecard, Encoding.UTF8, "application/yaml"));
        Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
        var repo = Path.Combine(_files.Root, "camp");
        Directory.CreateDirectory(repo);
        Git(repo, "init", "-q", "-b", "main");
        Write(repo, bRunbook: false);
        Git(repo, "add", "-A");
        Git(repo, "commit", "-q", "-m", "three components, one runbook");
        var created = await admin.PostAsJsonAsync("/api/catalog/locations", new { type = "git", target = "file://" + repo, branch = "main" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var locationId = (await created.Content.ReadFromJsonAsync<JsonObject>())!["location"]!["id"]!.GetValue<string>();
        await Job().RunAsync(null, CancellationToken.None);

        var deadline = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(14).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var start = await admin.PostAsJsonAsync("/api/scorecards/campaigns", new CampaignRequest("camp-silver", "Runbooks for every service",
            "Silver before the peak season.", "camp-ready", "Silver", [], ["payments", "group:default/search"], deadline));
        Assert.Equal(HttpStatusCode.Created, start.StatusCode);
        var before = (await start.Content.ReadFromJsonAsync<CampaignDetail>())!;
        Assert.Equal("open", before.Summary.Status);
        Assert.Equal([("group:default/payments", 1, 2), ("group:default/search", 0, 1)], Counts(before));
        Assert.Equal(["component:default/camp-b"], before.Teams.Single(t => t.Team == "group:default/payments").Remaining);

        // The team sees what is left and why.
        var todo = (await admin.GetFromJsonAsync<List<CampaignTodo>>("/api/scorecards/teams/payments/campaigns"))!.Single(t => t.Campaign == "camp-silver");
        var left = Assert.Single(todo.Entities);
        Assert.Equal(("component:default/camp-b", "Bronze"), (left.EntityRef, left.Level));
        Assert.Equal("Add a link titled Runbook under metadata.links.", Assert.Single(left.Blocking).HowToFix);

        // A commit adds camp-b's runbook; the refresh and the evaluation on catalog change move payments to 2 of 2.
        Write(repo, bRunbook: true);
        Git(repo, "commit", "-q", "-am", "camp-b runbook");
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync(new Uri($"/api/catalog/locations/{locationId}/refresh", UriKind.Relative), null)).StatusCode);
        Assert.True(await Job().OnCatalogChangeAsync(CancellationToken.None));

        var after = (await admin.GetFromJsonAsync<CampaignDetail>("/api/scorecards/campaigns/camp-silver"))!;
        Assert.Equal([("group:default/search", 0, 1), ("group:default/payments", 2, 2)], Counts(after));
        Assert.Equal([(1, 2), (2, 2)], after.History["group:default/payments"].Select(p => (p.Done, p.Total)));
        Assert.Equal([(0, 1)], after.History["group:default/search"].Select(p => (p.Done, p.Total)));
        Assert.Empty((await admin.GetFromJsonAsync<List<CampaignTodo>>("/api/scorecards/teams/payments/campaigns"))!.Single(t => t.Campaign == "camp-silver").Entities);
        var listed = (await admin.GetFromJsonAsync<List<CampaignSummary>>("/api/scorecards/campaigns"))!.Single(c => c.Name == "camp-silver");
        Assert.Equal((2, 3), (listed.Done, listed.Total));

        // Reminders: only search is behind; a second run the same day sends nothing.
        var reminders = factory.Services.GetRequiredService<CampaignReminderJob>();
        Assert.Equal(1, await reminders.RunAsync(CancellationToken.None));
        Assert.Equal(0, await reminders.RunAsync(CancellationToken.None));
        await Wait.UntilAsync(() => webhook.Events("scorecard.campaign.reminder").Count > 0, TimeSpan.FromSeconds(30), "the reminder reaches the webhook");
        var reminder = Assert.Single(webhook.Events("scorecard.campaign.reminder"));
        Assert.Equal("group:default/search", reminder.GetProperty("fields").GetProperty("team").GetString());
        Assert.Contains("camp-c", reminder.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.EndsWith("/scorecards/campaigns/camp-silver", reminder.GetProperty("link").GetString(), StringComparison.Ordinal);
        await AuditAssert.RecordedAsync(factory, "scorecard.campaign.create", "camp-silver", "bootstrap-admin-token");
    }

    [Fact]
    public async Task A_bad_campaign_is_refused_field_by_field_and_only_admins_start_one()
    {
        using var admin = factory.AdminClient();
        var response = await admin.PostAsJsonAsync("/api/scorecards/campaigns", new CampaignRequest("Bad Name", "", null, "production-readiness", "Platinum",
            ["no-such-rule"], ["no-such-team"], "2001-01-01"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
        Assert.Equal(["deadline", "level", "name", "rules", "teams", "title"], errors.Select(e => e.Key).Order(StringComparer.Ordinal));
        Assert.Contains("Bronze, Silver, Gold", errors["level"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsync("/api/scorecards/campaigns", new StringContent("{not json", Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/scorecards/campaigns/nothing-here")).StatusCode);

        var (_, token) = await factory.UserWithTokenAsync("camp-reader");
        using var reader = factory.ClientWithToken(token);
        var forbidden = await reader.PostAsJsonAsync("/api/scorecards/campaigns", new CampaignRequest("reader-camp", "Mine", null, "production-readiness", "Bronze",
            [], [], DateOnly.FromDateTime(DateTime.UtcNow).AddDays(3).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync("/api/scorecards/campaigns")).StatusCode);
    }

    private static List<(string, int, int)> Counts(CampaignDetail detail) => [.. detail.Teams.Select(t => (t.Team, t.Done, t.Total))];
}
