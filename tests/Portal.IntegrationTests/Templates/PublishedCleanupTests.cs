using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.TestSupport;
using Portal.Web.Features.Templates;
using Portal.Web.Infrastructure.Files;
using static Portal.IntegrationTests.Templates.TemplateKit;

namespace Portal.IntegrationTests.Templates;

/// <summary>
/// The hourly cleanup of the scaffolder's work folder, on real git and PostgreSQL, with GitHub faked on loopback
/// (<see cref="FakeGitHubServer"/>, real <c>git http-backend</c>) because GitHub cannot be reached from here.
/// </summary>
public sealed class PublishedCleanupTests(FakeGitHubFixture fixture) : IClassFixture<FakeGitHubFixture>
{
    private readonly PortalAppFactory factory = fixture.Factory;

    private string WorkDirectory => factory.Services.GetRequiredService<IOptions<TemplatesOptions>>().Value.ResolveWorkDirectory();

    private static async Task<(Guid Id, string Commit)> PublishAsync(HttpClient admin)
    {
        var name = "handbook-" + Guid.NewGuid().ToString("N")[..10];
        var id = await CreateTaskAsync(admin, "template:default/docs-template",
            new { name, description = "Cleanup test", owner = "group:default/payments", repoUrl = $"github.com?owner=acme&repo={name}" });
        var task = await WaitForAsync(admin, id, ScaffolderTaskStatus.Completed);
        return (id, JsonNode.Parse(task.Steps.Single(s => s.Action == "publish:github").Output!)!["commitHash"]!.GetValue<string>());
    }

    private Task<PublishedCleanupJob.Result> RunJobAsync() =>
        ActivatorUtilities.CreateInstance<PublishedCleanupJob>(factory.Services).RunAsync(CancellationToken.None);

    [Fact]
    public async Task A_copy_unused_past_retention_is_evicted_a_recent_one_is_kept_and_the_repository_view_fetches_the_evicted_one_again()
    {
        using var admin = factory.AdminClient();
        var (old, oldCommit) = await PublishAsync(admin);
        var (recent, _) = await PublishAsync(admin);
        var oldCopy = PublishedMirror.PathFor(factory.Services.GetRequiredService<IOptions<TemplatesOptions>>().Value, old);
        var recentCopy = PublishedMirror.PathFor(factory.Services.GetRequiredService<IOptions<TemplatesOptions>>().Value, recent);
        Assert.True(Directory.Exists(oldCopy));
        Directory.SetLastWriteTimeUtc(oldCopy, DateTime.UtcNow.AddDays(-31));

        var first = await RunJobAsync();
        Assert.False(Path.Exists(oldCopy));
        Assert.True(File.Exists(Path.Combine(recentCopy, "HEAD")));
        Assert.True(first.EvictedCopies >= 1 && first.FreedBytes > 0);

        // Idempotent: a second run finds nothing more of these to remove.
        await RunJobAsync();
        Assert.True(File.Exists(Path.Combine(recentCopy, "HEAD")));

        // The view fetches the evicted copy again from the host, at the pushed commit, and marks it used.
        var view = (await admin.GetFromJsonAsync<JsonObject>($"/api/scaffolder/tasks/{old}/repository"))!;
        Assert.Equal(oldCommit, view["commit"]!.GetValue<string>());
        Assert.Contains(view["entries"]!.AsArray(), e => e!["path"]!.GetValue<string>() == "mkdocs.yml");
        Assert.True(File.Exists(Path.Combine(oldCopy, "HEAD")));
        Assert.True(Directory.GetLastWriteTimeUtc(oldCopy) > DateTime.UtcNow.AddMinutes(-5));
        Assert.Empty(Directory.EnumerateFileSystemEntries(PublishedMirror.FolderFor(factory.Services.GetRequiredService<IOptions<TemplatesOptions>>().Value), ".restoring-*"));
    }

    [Fact]
    public async Task When_the_host_refuses_the_fetch_an_evicted_copy_is_a_clear_404_and_a_later_view_recovers()
    {
        using var admin = factory.AdminClient();
        var (id, commit) = await PublishAsync(admin);
        var copy = PublishedMirror.PathFor(factory.Services.GetRequiredService<IOptions<TemplatesOptions>>().Value, id);
        Directory.SetLastWriteTimeUtc(copy, DateTime.UtcNow.AddDays(-40));
        await RunJobAsync();
        Assert.False(Path.Exists(copy));

        fixture.GitHub.RefuseFetches = true;
        try
        {
            var response = await admin.GetAsync($"/api/scaffolder/tasks/{id}/repository");
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Contains("could not be fetched again", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        finally
        {
            fixture.GitHub.RefuseFetches = false;
        }
        var view = (await admin.GetFromJsonAsync<JsonObject>($"/api/scaffolder/tasks/{id}/repository"))!;
        Assert.Equal(commit, view["commit"]!.GetValue<string>());
    }

    [Fact]
    public async Task Planted_symbolic_links_are_removed_as_links_and_nothing_they_point_at_outside_the_folder_is_touched()
    {
        using var admin = factory.AdminClient();
        var (id, _) = await PublishAsync(admin);
        var options = factory.Services.GetRequiredService<IOptions<TemplatesOptions>>().Value;
        var copy = PublishedMirror.PathFor(options, id);
        // What an attacker with write access to the folder would aim at: a folder outside it, full of someone's files.
        var outside = Path.Combine(factory.TemplatesFolder, "victim-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(outside, "nested"));
        await File.WriteAllTextAsync(Path.Combine(outside, "precious.txt"), "keep me");
        await File.WriteAllTextAsync(Path.Combine(outside, "nested", "deeper.txt"), "keep me too");
        // A link named like a copy, and links inside a copy due for eviction (to the folder and to a file).
        var plantedCopy = PublishedMirror.PathFor(options, Guid.NewGuid());
        Directory.CreateSymbolicLink(plantedCopy, outside);
        Directory.SetLastWriteTimeUtc(plantedCopy, DateTime.UtcNow.AddDays(-90));
        Directory.CreateSymbolicLink(Path.Combine(copy, "objects", "evil"), outside);
        File.CreateSymbolicLink(Path.Combine(copy, "evil-file"), Path.Combine(outside, "precious.txt"));
        Directory.SetLastWriteTimeUtc(copy, DateTime.UtcNow.AddDays(-31));
        // An abandoned publish workspace with a link out, and one a running publisher holds.
        var abandoned = Path.Combine(WorkDirectory, "pull-request", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(abandoned);
        Directory.CreateSymbolicLink(Path.Combine(abandoned, "evil"), outside);
        Directory.SetLastWriteTimeUtc(abandoned, DateTime.UtcNow.AddDays(-2));
        var heldFolder = Path.Combine(WorkDirectory, "publish", Guid.NewGuid().ToString("N"));
        using var held = ScratchFolder.Hold(heldFolder);
        Directory.CreateDirectory(heldFolder);
        await File.WriteAllTextAsync(Path.Combine(heldFolder, "README.md"), "being published");

        var result = await RunJobAsync();

        Assert.False(Path.Exists(plantedCopy));
        Assert.False(Path.Exists(copy));
        Assert.False(Path.Exists(abandoned));
        Assert.True(result.RemovedLinks >= 1 && result.RemovedWorkspaces >= 1);
        Assert.Equal("keep me", await File.ReadAllTextAsync(Path.Combine(outside, "precious.txt")));
        Assert.Equal("keep me too", await File.ReadAllTextAsync(Path.Combine(outside, "nested", "deeper.txt")));
        Assert.Equal("being published", await File.ReadAllTextAsync(Path.Combine(heldFolder, "README.md")));
    }

    [Fact]
    public async Task A_published_folder_that_is_itself_a_link_is_left_alone()
    {
        var parent = Path.Combine(factory.TemplatesFolder, "linked-" + Guid.NewGuid().ToString("N"));
        var outside = Path.Combine(factory.TemplatesFolder, "elsewhere-" + Guid.NewGuid().ToString("N"));
        var target = PublishedMirror.PathFor(new TemplatesOptions { WorkDirectory = outside }, Guid.NewGuid());
        Directory.CreateDirectory(target);
        await File.WriteAllTextAsync(Path.Combine(target, "HEAD"), "ref: refs/heads/main\n");
        Directory.SetLastWriteTimeUtc(target, DateTime.UtcNow.AddDays(-400));
        Directory.CreateDirectory(parent);
        Directory.CreateSymbolicLink(Path.Combine(parent, PublishedMirror.Folder), Path.Combine(outside, PublishedMirror.Folder));
        var job = new PublishedCleanupJob(factory.Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<Portal.Web.Data.PortalDbContext>>(),
            Options.Create(new TemplatesOptions { WorkDirectory = parent }), Options.Create(new PublishedCleanupOptions { RetentionDays = 1 }),
            TimeProvider.System, factory.Services.GetRequiredService<Microsoft.Extensions.Logging.ILogger<PublishedCleanupJob>>());

        var result = await job.RunAsync(CancellationToken.None);

        Assert.Equal(0, result.EvictedCopies);
        Assert.True(File.Exists(Path.Combine(target, "HEAD")));
    }
}
