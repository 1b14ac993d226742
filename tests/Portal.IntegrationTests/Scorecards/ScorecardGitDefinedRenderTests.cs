using System.Net;
using System.Net.Http.Json;
using System.Text;
using Bunit;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using Portal.IntegrationTests.Catalog;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Identity;
using Portal.Web.Features.Incidents;
using Portal.Web.Features.Scorecards;
using Portal.Web.Features.Scorecards.Pages;
using static Portal.IntegrationTests.Catalog.CatalogFolder;

namespace Portal.IntegrationTests.Scorecards;

/// <summary>
/// /scorecards and the editor rendered with bUnit over the real database, for an admin: a scorecard defined in an admin's
/// git location offers no Edit (the API refuses changes) and says where it is defined; the editor shows the same reason and
/// cannot save; a scorecard made in the portal keeps its Edit.
/// </summary>
public sealed class ScorecardGitDefinedRenderTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IAsyncLifetime, IDisposable
{
    private readonly CatalogFolder _files = new();

    private const string GitCard = """
        apiVersion: portal/v1
        kind: Scorecard
        metadata:
          name: gd-from-git
          title: From git
        spec:
          owner: platform
          levels: [Bronze]
          filter:
            kind: [Component]
            system: [gd-nothing]
          rules:
            - id: runbook
              level: Bronze
              check: link.present
              params: { match: runbook }
        """;

    private string _repo = "";

    public async Task InitializeAsync()
    {
        await factory.SeedDemoAsync();
        _repo = Path.Combine(_files.Root, "gd-cards");
        Directory.CreateDirectory(_repo);
        Git(_repo, "init", "-q", "-b", "main");
        await File.WriteAllTextAsync(Path.Combine(_repo, "catalog-info.yaml"), GitCard);
        Git(_repo, "add", "-A");
        Git(_repo, "commit", "-q", "-m", "a scorecard in git");
        using var admin = factory.AdminClient();
        var created = await admin.PostAsJsonAsync("/api/catalog/locations", new { type = "git", target = "file://" + _repo, branch = "main" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var portalMade = GitCard.Replace("gd-from-git", "gd-portal-made", StringComparison.Ordinal).Replace("From git", "Made in the portal", StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync("/api/scorecards/import", new StringContent(portalMade, Encoding.UTF8, "application/yaml"))).StatusCode);
        // The sync before a full evaluation turns the catalog entity into a scorecard.
        await factory.Services.GetRequiredService<ScorecardEvaluationJob>().RunAsync(null, CancellationToken.None);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _files.Dispose();

    private BunitContext AdminContext()
    {
        var context = new BunitContext();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddMudServices();
        context.Services.AddSingleton(factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>());
        context.Services.AddSingleton(TimeProvider.System);
        context.Services.AddScoped(_ => factory.Services.CreateScope().ServiceProvider.GetRequiredService<CatalogNames>());
        context.Services.AddSingleton(factory.Services.GetRequiredService<IBackgroundJobClient>());
        context.Services.AddSingleton(factory.Services.GetRequiredService<AlertRouting>());
        var auth = context.AddAuthorization();
        auth.SetAuthorized("admin");
        auth.SetPolicies(PortalPolicies.Admin);
        context.Render<MudPopoverProvider>();
        return context;
    }

    [Fact]
    public async Task A_git_defined_scorecard_offers_no_edit_and_says_where_it_is_defined_and_its_editor_cannot_save()
    {
        await using var context = AdminContext();
        var page = context.Render<ScorecardsPage>();
        page.WaitForElement("[data-scorecard=gd-from-git]", TimeSpan.FromSeconds(20));

        var fromGit = page.Find("[data-scorecard=gd-from-git]");
        var portalMade = page.Find("[data-scorecard=gd-portal-made]");
        Assert.Empty(fromGit.QuerySelectorAll("[data-testid=scorecard-edit]"));
        Assert.Equal($"Defined in git: git:file://{_repo}. Change it there; the location's next refresh updates it here.",
            fromGit.QuerySelector("[data-testid=scorecard-git-defined]")!.TextContent.Trim());
        Assert.Single(portalMade.QuerySelectorAll("[data-testid=scorecard-edit]"));
        Assert.Empty(portalMade.QuerySelectorAll("[data-testid=scorecard-git-defined]"));

        // Opened by its address anyway, the editor gives the same reason and cannot save; a portal-made one can.
        var gitEditor = context.Render<ScorecardEditorPage>(p => p.Add(e => e.Name, "gd-from-git"));
        gitEditor.WaitForElement("[data-testid=scorecard-git-defined]", TimeSpan.FromSeconds(20));
        var portalEditor = context.Render<ScorecardEditorPage>(p => p.Add(e => e.Name, "gd-portal-made"));
        portalEditor.WaitForElement("[data-testid=scorecard-save]", TimeSpan.FromSeconds(20));

        Assert.StartsWith($"Defined in git: git:file://{_repo}.", gitEditor.Find("[data-testid=scorecard-git-defined]").TextContent.Trim(), StringComparison.Ordinal);
        Assert.True(gitEditor.Find("[data-testid=scorecard-save]").HasAttribute("disabled"));
        Assert.False(portalEditor.Find("[data-testid=scorecard-save]").HasAttribute("disabled"));
        Assert.Empty(portalEditor.FindAll("[data-testid=scorecard-git-defined]"));
    }
}
