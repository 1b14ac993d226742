using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Templates;
using Portal.Web.Infrastructure.Git;
using static Portal.IntegrationTests.Templates.TemplateKit;

namespace Portal.IntegrationTests.Templates;

/// <summary>
/// The read-only view of a repository a task created, over the real API and git: the tree, a file, the README, the clone
/// command; and its fences: only the task's own publish:git repository, no path outside the commit's tree, links shown
/// and never followed, big and binary files not read.
/// </summary>
public sealed class RepositoryViewTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IAsyncLifetime
{
    private const string TemplateRef = "template:default/svc-template";
    private const string PublicUrl = "https://portal.northwind.example";
    private string _ana = "";

    private string RepositoryRoot => Path.Combine(factory.TemplatesFolder, "repos");

    public async Task InitializeAsync()
    {
        factory.Settings["Portal:Jobs:WorkerCount"] = "2";
        factory.Settings["Portal:Notifications:PublicUrl"] = PublicUrl + "/";
        factory.Settings["Portal:Templates:CloneBaseUrl"] = "https://git.northwind.example/repos/";
        factory.Settings["Portal:Templates:RegisterBuiltIns"] = "true";
        (_, _ana) = await factory.UserWithTokenAsync("ana.silva", "ana.silva@northwind.example");
        using var admin = factory.AdminClient();
        var file = WriteServiceTemplate(Path.Combine(factory.TemplatesFolder, "templates"));
        await using var db = await factory.DbAsync();
        // The built-ins arrive at start-up, so the demo organisation comes in as a location of its own.
        if (!await db.CatalogEntities.AnyAsync(e => e.Kind == "Group"))
        {
            await RegisterAsync(admin, Portal.Web.Features.Demo.DemoOrganisation.WriteFiles(factory.DemoFolder));
        }
        if (!await db.CatalogEntities.AnyAsync(e => e.EntityRef == TemplateRef))
        {
            await RegisterAsync(admin, file);
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static async Task<Guid> CreatedRepositoryAsync(HttpClient ana, string name)
    {
        var id = await CreateTaskAsync(ana, TemplateRef, new { name, owner = "group:default/payments" });
        await WaitForAsync(ana, id, ScaffolderTaskStatus.Completed);
        return id;
    }

    [Fact]
    public async Task The_repository_a_task_created_is_listed_with_its_clone_command_and_README()
    {
        using var ana = factory.ClientWithToken(_ana);
        var id = await CreatedRepositoryAsync(ana, "browse-api");

        var view = await ana.GetFromJsonAsync<RepositoryView>($"/api/scaffolder/tasks/{id}/repository", JsonSerializerOptions.Web);

        Assert.Equal("payments/browse-api", view!.Name);
        Assert.Equal("main", view.Branch);
        Assert.Equal("https://git.northwind.example/repos/payments/browse-api.git", view.CloneUrl);
        Assert.Equal(["README.md", "catalog-info.yaml"], view.Entries.Select(e => e.Path));
        Assert.All(view.Entries, e => Assert.Equal("blob", e.Type));
        Assert.Equal("README.md", view.Readme);
        var task = await GetTaskAsync(ana, id);
        Assert.Contains(view.Commit!, task.Steps.Single(s => s.Id == "publish").Output!, StringComparison.Ordinal);

        var readme = await ana.GetFromJsonAsync<RepositoryFile>($"/api/scaffolder/tasks/{id}/repository/file?path=README.md", JsonSerializerOptions.Web);
        Assert.Equal(("text", "# browse-api\n\nOwned by group:default/payments.\n"), (readme!.Kind, readme.Content));
        Assert.Equal(readme.Content!.Length, readme.Size);
    }

    [Fact]
    public async Task Paths_outside_the_commit_are_refused_and_links_big_and_binary_files_are_not_read()
    {
        using var ana = factory.ClientWithToken(_ana);
        var id = await CreatedRepositoryAsync(ana, "fenced-api");
        // Someone pushes a link out of the repository, a binary file and a big file to it later.
        var work = Path.Combine(Path.GetTempPath(), "push-" + Guid.NewGuid().ToString("N"));
        var bare = Path.Combine(RepositoryRoot, "payments", "fenced-api.git");
        await GitCli.RunAsync(Path.GetTempPath(), CancellationToken.None, "clone", "-q", new Uri(bare).AbsoluteUri, work);
        try
        {
            Directory.CreateDirectory(Path.Combine(work, "docs"));
            File.CreateSymbolicLink(Path.Combine(work, "docs", "passwd"), "../../../../../../etc/passwd");
            await File.WriteAllBytesAsync(Path.Combine(work, "logo.png"), [0x89, 0x50, 0x4E, 0x47, 0, 0, 0, 13, 0xFF]);
            await File.WriteAllTextAsync(Path.Combine(work, "big.txt"), new string('x', RepositoryListing.MaxFileBytes + 1));
            await GitCli.RunAsync(work, CancellationToken.None, "add", "--all");
            await GitCli.RunAsync(work, CancellationToken.None, "-c", "user.name=Ana", "-c", "user.email=ana@northwind.example", "commit", "-q", "-m", "More");
            await GitCli.RunAsync(work, CancellationToken.None, "push", "-q", "origin", "main");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }

        async Task<RepositoryFile> Read(string path) =>
            (await ana.GetFromJsonAsync<RepositoryFile>($"/api/scaffolder/tasks/{id}/repository/file?path={Uri.EscapeDataString(path)}", JsonSerializerOptions.Web))!;

        var link = await Read("docs/passwd");
        Assert.Equal(("symlink", null, "../../../../../../etc/passwd"), (link.Kind, link.Content, link.LinkTarget));
        var binary = await Read("logo.png");
        Assert.Equal(("binary", 9L, null), (binary.Kind, binary.Size, binary.Content));
        var big = await Read("big.txt");
        Assert.Equal(("tooLarge", RepositoryListing.MaxFileBytes + 1L, null), (big.Kind, big.Size, big.Content));

        foreach (var (path, status, message) in new[]
        {
            ("../fenced-api.git/config", HttpStatusCode.BadRequest, "no empty, '.' or '..' parts"),
            ("docs/../../../../etc/passwd", HttpStatusCode.BadRequest, "no empty, '.' or '..' parts"),
            ("/etc/passwd", HttpStatusCode.BadRequest, "is not a relative path"),
            ("docs\\..\\README.md", HttpStatusCode.BadRequest, "is not a relative path"),
            ("docs", HttpStatusCode.BadRequest, "'docs' is a folder, not a file."),
            ("config", HttpStatusCode.NotFound, "There is no file 'config' in payments/fenced-api."),
            ("HEAD", HttpStatusCode.NotFound, "There is no file 'HEAD' in payments/fenced-api."),
            ("docs/passwd/x", HttpStatusCode.NotFound, "There is no file 'docs/passwd/x'"),
        })
        {
            var response = await ana.GetAsync($"/api/scaffolder/tasks/{id}/repository/file?path={Uri.EscapeDataString(path)}");
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == status, $"{path}: {(int)response.StatusCode} {body}");
            Assert.Contains(message, body, StringComparison.Ordinal);
            Assert.DoesNotContain("root:", body, StringComparison.Ordinal);
        }
        var noPath = await ana.GetAsync($"/api/scaffolder/tasks/{id}/repository/file");
        Assert.Equal(HttpStatusCode.BadRequest, noPath.StatusCode);
    }

    [Fact]
    public async Task Only_a_repository_the_task_made_under_the_repository_root_is_shown()
    {
        using var ana = factory.ClientWithToken(_ana);
        // A bare repository outside the root, and tasks whose publish:git output names it, the root itself, or nothing.
        var outside = Path.Combine(factory.TemplatesFolder, "elsewhere", "payments", "secret.git");
        Directory.CreateDirectory(outside);
        await GitCli.RunAsync(outside, CancellationToken.None, "init", "-q", "--bare", "-b", "main");
        await using var db = await factory.DbAsync();
        var tasks = new[]
        {
            new Uri(outside).AbsoluteUri,
            new Uri(Path.Combine(RepositoryRoot, "payments", "..", "..", "elsewhere", "payments", "secret.git")).AbsoluteUri,
            new Uri(RepositoryRoot).AbsoluteUri,
            "https://github.com/northwind/payments",
        }.Select(remote => Task("publish:git", remote)).Append(Task("debug:log", null)).ToList();
        db.ScaffolderTasks.AddRange(tasks);
        await db.SaveChangesAsync();

        foreach (var task in tasks)
        {
            var response = await ana.GetAsync($"/api/scaffolder/tasks/{task.Id}/repository");
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Contains("This task made no repository the portal can show", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.NotFound, (await ana.GetAsync($"/api/scaffolder/tasks/{task.Id}/repository/file?path=HEAD")).StatusCode);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await ana.GetAsync($"/api/scaffolder/tasks/{Guid.NewGuid()}/repository")).StatusCode);
        using var anonymous = factory.AnonymousClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/scaffolder/tasks/{tasks[0].Id}/repository")).StatusCode);

        static ScaffolderTask Task(string action, string? remote) => new()
        {
            TemplateRef = "template:default/other", TemplateTitle = "Other", TemplateDocument = "{}", Values = "{}", CreatedBy = "ana.silva",
            Status = ScaffolderTaskStatus.Completed, CreatedAt = DateTimeOffset.UtcNow,
            Steps = [new TaskStepState { Id = "publish", Name = "Publish", Action = action, Status = StepStatus.Completed,
                Output = remote is null ? "{}" : new JsonObject { ["remoteUrl"] = remote }.ToJsonString() }],
        };
    }

    [Fact]
    public async Task The_built_in_templates_send_telemetry_to_the_configured_public_url_and_clone_from_the_clone_url()
    {
        using var ana = factory.ClientWithToken(_ana);

        var response = await ana.PostAsJsonAsync("/api/templates/default/aspnet-service/dry-run",
            new { values = new { name = "public-url-api", owner = "group:default/payments" } });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        var result = JsonSerializer.Deserialize<DryRunResult>(body, JsonSerializerOptions.Web)!;

        var settings = Encoding.UTF8.GetString(Convert.FromBase64String(result.Files.Single(f => f.Path == "src/Service/appsettings.json").Base64Content));
        Assert.Contains($"\"OtlpEndpoint\": \"{PublicUrl}\"", settings, StringComparison.Ordinal);
        var nextSteps = result.Output!["text"]![0]!["content"]!.GetValue<string>();
        Assert.Contains($"Metrics and traces go to `{PublicUrl}`", nextSteps, StringComparison.Ordinal);
        Assert.Contains("git clone https://git.northwind.example/repos/payments/public-url-api.git public-url-api", nextSteps, StringComparison.Ordinal);
        Assert.DoesNotContain("localhost", nextSteps, StringComparison.Ordinal);
    }
}
