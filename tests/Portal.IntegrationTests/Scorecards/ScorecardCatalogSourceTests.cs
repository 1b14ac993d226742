using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.IntegrationTests.Catalog;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Scorecards;
using static Portal.IntegrationTests.Catalog.CatalogFolder;

namespace Portal.IntegrationTests.Scorecards;

/// <summary>
/// Scorecards kept in git: a Scorecard document in an admin's git location becomes a scorecard, follows its commits and
/// goes when it is removed; a member's location (as a template's catalog:register makes one) can neither add one nor
/// redefine an admin's, and the portal does not change one whose truth is in git.
/// </summary>
public sealed class ScorecardCatalogSourceTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IDisposable
{
    private readonly CatalogFolder _files = new();

    public void Dispose() => _files.Dispose();

    private ScorecardEvaluationJob Job() => factory.Services.GetRequiredService<ScorecardEvaluationJob>();

    private static string Card(string name, string title, string owner = "platform", string ns = "default") => $"""
        apiVersion: portal/v1
        kind: Scorecard
        metadata:
          name: {name}
          namespace: {ns}
          title: {title}
        spec:
          owner: {owner}
          levels: [Bronze, Silver]
          filter:
            kind: [Component]
            system: [git-cards]
          rules:
            - id: runbook
              title: Runbook linked
              level: Bronze
              check: link.present
              params: {"{"} match: runbook {"}"}
              howToFix: Add a link titled Runbook.
            - id: dashboard
              title: Dashboard linked
              level: Silver
              check: link.present
              params: {"{"} match: dashboard {"}"}
        """;

    private const string Ledger = """
        apiVersion: backstage.io/v1alpha1
        kind: Component
        metadata:
          name: git-cards-ledger
          links:
            - url: https://runbooks.example/git-cards-ledger
              title: Runbook
        spec:
          type: service
          lifecycle: production
          owner: payments
          system: git-cards
        """;

    private string Repo(string name, string content)
    {
        var repo = Path.Combine(_files.Root, name);
        Directory.CreateDirectory(repo);
        Git(repo, "init", "-q", "-b", "main");
        File.WriteAllText(Path.Combine(repo, "catalog-info.yaml"), content);
        Git(repo, "add", "-A");
        Git(repo, "commit", "-q", "-m", "first");
        return repo;
    }

    private static void Commit(string repo, string content, string message)
    {
        File.WriteAllText(Path.Combine(repo, "catalog-info.yaml"), content);
        Git(repo, "commit", "-q", "-am", message);
    }

    private static async Task RefreshAsync(HttpClient admin, Guid location) =>
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync(new Uri($"/api/catalog/locations/{location}/refresh", UriKind.Relative), null)).StatusCode);

    [Fact]
    public async Task A_scorecard_in_an_admins_git_location_follows_its_commits_and_a_members_location_cannot_add_or_redefine_one()
    {
        await factory.SeedDemoAsync();
        using var admin = factory.AdminClient();
        var adminRepo = Repo("admin-cards", Card("git-runbooks", "Runbooks (from git)") + "\n---\n" + Ledger);
        var created = await admin.PostAsJsonAsync("/api/catalog/locations", new { type = "git", target = "file://" + adminRepo, branch = "main" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var adminLocation = Guid.Parse((await created.Content.ReadFromJsonAsync<JsonObject>())!["location"]!["id"]!.GetValue<string>());
        // Before the sync, the API says what it will do, writing nothing.
        var plan = await admin.GetFromJsonAsync<ScorecardSourceSync>("/api/scorecards/catalog-sources");
        Assert.Equal(["git-runbooks"], plan!.Created);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync(new Uri("/api/scorecards/git-runbooks", UriKind.Relative))).StatusCode);

        await Job().RunAsync(null, CancellationToken.None);
        var card = await admin.GetFromJsonAsync<ScorecardDetail>("/api/scorecards/git-runbooks");
        Assert.Equal(("Runbooks (from git)", "scorecard:default/git-runbooks"), (card!.Summary.Title, card.Summary.Source));
        var results = await admin.GetFromJsonAsync<List<ScorecardResultRow>>("/api/scorecards/results?scorecard=git-runbooks");
        Assert.Equal(("component:default/git-cards-ledger", "Bronze"), (Assert.Single(results!).EntityRef, results![0].Level));

        // Git is its truth: the portal refuses to change, disable or delete it.
        var import = await admin.PostAsync(new Uri("/api/scorecards/import", UriKind.Relative),
            new StringContent(Card("git-runbooks", "Changed in the portal"), Encoding.UTF8, "application/yaml"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, import.StatusCode);
        Assert.Contains("read from the catalog entity scorecard:default/git-runbooks; change it in git", await import.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.DeleteAsync(new Uri("/api/scorecards/git-runbooks", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PutAsJsonAsync("/api/scorecards/git-runbooks/enabled", new { enabled = false })).StatusCode);

        // A commit changes it at the next catalog change.
        Commit(adminRepo, Card("git-runbooks", "Runbooks, second edition") + "\n---\n" + Ledger, "retitle");
        await RefreshAsync(admin, adminLocation);
        Assert.True(await Job().OnCatalogChangeAsync(CancellationToken.None));
        Assert.Equal("Runbooks, second edition", (await admin.GetFromJsonAsync<ScorecardDetail>("/api/scorecards/git-runbooks"))!.Summary.Title);

        // A member's own location (what a template's catalog:register stores for ana of payments): the catalog takes her
        // Scorecard entities as custom entities of her team, one of them naming the admin's scorecard from another namespace.
        var memberRepo = Repo("member-cards", Card("member-card", "Ana's own rules", owner: "group:default/payments") + "\n---\n"
            + Card("git-runbooks", "Hijacked", owner: "group:default/payments", ns: "payments"));
        Guid memberLocation;
        await using (var db = await factory.DbAsync())
        {
            var location = new CatalogLocation
            {
                Type = "git", Target = "file://" + memberRepo, Branch = "main", CreatedAt = DateTimeOffset.UtcNow, CreatedBy = "ana.silva (through template task 0)",
                RegistrantIsAdmin = false, RegistrantTeams = ["group:default/payments"],
            };
            db.CatalogLocations.Add(location);
            await db.SaveChangesAsync();
            memberLocation = location.Id;
        }
        await RefreshAsync(admin, memberLocation);
        await using (var db = await factory.DbAsync())
        {
            Assert.Equal(["scorecard:default/member-card", "scorecard:payments/git-runbooks"],
                await db.CatalogEntities.Where(e => e.LocationId == memberLocation).Select(e => e.EntityRef).OrderBy(r => r).ToListAsync());
        }
        Assert.True(await Job().OnCatalogChangeAsync(CancellationToken.None));
        var problems = await admin.GetFromJsonAsync<ScorecardSourceSync>("/api/scorecards/catalog-sources");
        Assert.Equal(["scorecard:default/member-card", "scorecard:payments/git-runbooks"], problems!.Refused.Select(r => r.EntityRef).Order(StringComparer.Ordinal));
        Assert.All(problems.Refused, r => Assert.Equal("git:file://" + memberRepo, r.Location));

        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync(new Uri("/api/scorecards/member-card", UriKind.Relative))).StatusCode);
        var kept = await admin.GetFromJsonAsync<ScorecardDetail>("/api/scorecards/git-runbooks");
        Assert.Equal("Runbooks, second edition", kept!.Summary.Title);
        await using (var db = await factory.DbAsync())
        {
            Assert.Equal("scorecard:default/git-runbooks", await db.Scorecards.Where(s => s.Name == "git-runbooks").Select(s => s.Source).SingleAsync());
            var sync = await ScorecardCatalogSource.SyncAsync(db, DateTimeOffset.UtcNow, CancellationToken.None);
            Assert.Empty(sync.Created.Concat(sync.Updated).Concat(sync.Removed));
            Assert.Equal(["scorecard:default/member-card", "scorecard:payments/git-runbooks"], sync.Refused.Select(r => r.EntityRef).Order(StringComparer.Ordinal));
            Assert.All(sync.Refused, r => Assert.Contains("read only from locations an admin registered", r.Message, StringComparison.Ordinal));
        }

        // Removed from git: gone with its results.
        Commit(adminRepo, Ledger, "drop the scorecard");
        await RefreshAsync(admin, adminLocation);
        Assert.True(await Job().OnCatalogChangeAsync(CancellationToken.None));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync(new Uri("/api/scorecards/git-runbooks", UriKind.Relative))).StatusCode);
        Assert.Empty((await admin.GetFromJsonAsync<List<ScorecardResultRow>>("/api/scorecards/results?scorecard=git-runbooks"))!);
    }
}
