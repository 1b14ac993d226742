using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.TestSupport;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Templates;
using Portal.Web.Infrastructure.Git;
using static Portal.IntegrationTests.Templates.TemplateKit;

namespace Portal.IntegrationTests.Templates;

/// <summary>
/// <c>publish:gitlab</c> against a fake self-hosted GitLab (<see cref="FakeGitLabServer"/>: GitLab's REST API faked on
/// loopback HTTPS, git served by the real <c>git http-backend</c>), because GitLab cannot be reached from here: the
/// project is created in the chosen group, the workspace pushed, the component registered from the new project, the
/// repository browsable in the portal; a taken project is refused before anything is made; a retry finishes a run whose
/// push failed without a second project or commit.
/// </summary>
public sealed class FakeGitLabPublishTests(FakeGitLabFixture fixture) : IClassFixture<FakeGitLabFixture>, IAsyncLifetime
{
    private const string TemplateRef = "template:default/gitlab-service";
    private readonly PortalAppFactory factory = fixture.Factory;

    private FakeGitLabServer GitLab => fixture.GitLab;

    public async Task InitializeAsync()
    {
        await using var db = await factory.DbAsync();
        if (!await db.CatalogEntities.AnyAsync(e => e.EntityRef == TemplateRef))
        {
            using var admin = factory.AdminClient();
            await RegisterAsync(admin, WriteTemplate(Path.Combine(factory.TemplatesFolder, "gitlab-service")));
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static object Values(string name, string owner = "acme") =>
        new { name, owner = "group:default/payments", repoUrl = $"gitlab.example.com?owner={owner}&repo={name}" };

    [Fact]
    public async Task A_real_run_creates_the_project_on_the_fake_GitLab_pushes_the_files_registers_the_component_and_the_portal_shows_the_repository()
    {
        using var admin = factory.AdminClient();

        var id = await CreateTaskAsync(admin, TemplateRef, Values("billing-api"));
        var task = await WaitForAsync(admin, id, ScaffolderTaskStatus.Completed);

        // GitLab was asked with the token: the namespace by its path, then the project in that group with the step's settings.
        var create = Assert.Single(GitLab.ApiRequests, r => r.Line == "POST /api/v4/projects" && r.Body["name"]?.ToString() == "billing-api");
        Assert.Equal(FakeGitLabFixture.Token, create.Token);
        Assert.Equal(100, create.Body["namespace_id"]!.GetValue<int>()); // the fake's id of the group acme
        Assert.Equal("internal", create.Body["visibility"]!.GetValue<string>());
        Assert.Equal("billing-api service", create.Body["description"]!.GetValue<string>());
        Assert.Equal(["scaffolded"], create.Body["topics"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Contains(GitLab.ApiRequests, r => r.Line == "GET /api/v4/namespaces/acme");
        Assert.DoesNotContain(task.Log, l => l.Message.Contains(FakeGitLabFixture.Token, StringComparison.Ordinal));

        // The project, cloned over HTTPS from the fake host: the rendered files with their modes and the task's commit.
        var clone = await GitLab.CloneAsync("acme", "billing-api");
        try
        {
            var files = (await GitCli.RunAsync(clone, CancellationToken.None, "ls-files", "-s")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(["100644 README.md", "100644 catalog-info.yaml", "100755 run.sh"],
                files.Select(f => f[..7] + f[(f.IndexOf('\t', StringComparison.Ordinal) + 1)..]).Order(StringComparer.Ordinal));
            Assert.Equal("# billing-api\n", await File.ReadAllTextAsync(Path.Combine(clone, "README.md")));
            var log = await GitCli.RunAsync(clone, CancellationToken.None, "log", "--format=%s%n%b");
            Assert.Contains("Scaffold billing-api", log, StringComparison.Ordinal);
            Assert.Contains($"Portal-Task: {id}", log, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(clone, recursive: true);
        }

        // The step's outputs as Backstage names them; the catalog read the component from the project's clone URL.
        var publish = JsonNode.Parse(task.Steps.Single(s => s.Action == "publish:gitlab").Output!)!;
        Assert.Equal($"{GitLab.Url}/acme/billing-api", publish["remoteUrl"]!.GetValue<string>());
        Assert.Equal($"{GitLab.Url}/acme/billing-api.git", publish["repoContentsUrl"]!.GetValue<string>());
        var project = await ProjectAsync("acme/billing-api");
        Assert.Equal(project["id"]!.GetValue<int>(), publish["projectId"]!.GetValue<int>());
        Assert.True(publish["created"]!.GetValue<bool>());
        Assert.Equal($"{GitLab.Url}/acme/billing-api", task.Output!["links"]![0]!["url"]!.GetValue<string>());
        Assert.Equal("component:default/billing-api", task.Output["links"]![1]!["entityRef"]!.GetValue<string>());
        Assert.Equal("billing-api", (await admin.GetFromJsonAsync<JsonObject>("/api/catalog/entities/by-name/component/default/billing-api"))!["metadata"]!["name"]!.GetValue<string>());

        // The portal's repository view shows the pushed commit from the copy the publisher kept, with GitLab's clone URL.
        var view = (await admin.GetFromJsonAsync<JsonObject>($"/api/scaffolder/tasks/{id}/repository"))!;
        Assert.Equal("acme/billing-api", view["name"]!.GetValue<string>());
        Assert.Equal($"{GitLab.Url}/acme/billing-api.git", view["cloneUrl"]!.GetValue<string>());
        Assert.Equal(publish["commitHash"]!.GetValue<string>(), view["commit"]!.GetValue<string>());
        Assert.Equal(["README.md", "catalog-info.yaml", "run.sh"], view["entries"]!.AsArray().Select(e => e!["path"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        var readme = (await admin.GetFromJsonAsync<JsonObject>($"/api/scaffolder/tasks/{id}/repository/file?path=README.md"))!;
        Assert.Equal("# billing-api\n", readme["content"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync($"/api/scaffolder/tasks/{id}/repository/file?path=../README.md")).StatusCode);
    }

    [Fact]
    public async Task A_project_taken_on_the_fake_GitLab_or_an_unknown_group_is_refused_by_the_dry_run_and_the_real_run_before_anything_is_made()
    {
        await GitLab.CreateTakenProjectAsync("acme", "taken-api");
        using var admin = factory.AdminClient();

        var dry = await (await admin.PostAsJsonAsync("/api/templates/default/gitlab-service/dry-run", new { values = Values("taken-api") })).Content.ReadFromJsonAsync<JsonObject>();
        var create = await admin.PostAsJsonAsync("/api/scaffolder/tasks", new { templateRef = TemplateRef, values = Values("taken-api") });
        var unknown = await admin.PostAsJsonAsync("/api/scaffolder/tasks", new { templateRef = TemplateRef, values = Values("orphan-api", owner: "no-such-group") });

        var error = dry!["log"]!.AsArray().Single(l => l!["level"]!.GetValue<string>() == "error")!;
        Assert.Equal("publish", error["stepId"]!.GetValue<string>());
        Assert.Equal("The GitLab project acme/taken-api already exists; choose another name.", error["message"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, create.StatusCode);
        Assert.Equal("Step 'Publish' would fail: The GitLab project acme/taken-api already exists; choose another name.",
            (await create.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["template"]![0]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal("Step 'Publish' would fail: The GitLab namespace 'no-such-group' is not found or this token cannot see it.",
            (await unknown.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["template"]![0]!.GetValue<string>());
        Assert.DoesNotContain(GitLab.ApiRequests, r => r.Line == "POST /api/v4/projects" && r.Body["name"]?.ToString() is "taken-api" or "orphan-api");
        Assert.Equal("Theirs\n", await GitCli.RunAsync(GitLab.Root, CancellationToken.None, "--git-dir", GitLab.BarePath("acme", "taken-api"), "log", "--format=%s"));
        await using var db = await factory.DbAsync();
        Assert.False(await db.CatalogEntities.AnyAsync(e => e.EntityRef == "component:default/taken-api"));
    }

    [Fact]
    public async Task A_run_whose_push_the_fake_GitLab_refused_after_creating_the_project_is_finished_by_retry_without_a_second_project_or_commit()
    {
        using var admin = factory.AdminClient();

        // GitLab creates the project, then refuses the push: the step fails after its side effect.
        GitLab.RefusePushes = true;
        Guid id;
        try
        {
            id = await CreateTaskAsync(admin, TemplateRef, Values("retry-api"));
            var failed = await WaitForAsync(admin, id, ScaffolderTaskStatus.Failed);
            Assert.Equal(StepStatus.Failed, failed.Steps.Single(s => s.Action == "publish:gitlab").Status);
            Assert.True(GitLab.Exists("acme", "retry-api"));
        }
        finally
        {
            GitLab.RefusePushes = false;
        }

        // Retry runs the publish step again: it finds the project it made, pushes once, and the component arrives.
        Assert.Equal(HttpStatusCode.Accepted, (await admin.PostAsync($"/api/scaffolder/tasks/{id}/retry", null)).StatusCode);
        var task = await WaitForAsync(admin, id, ScaffolderTaskStatus.Completed);

        Assert.Single(GitLab.ApiRequests, r => r.Line == "POST /api/v4/projects" && r.Body["name"]?.ToString() == "retry-api");
        var publish = JsonNode.Parse(task.Steps.Single(s => s.Action == "publish:gitlab").Output!)!;
        Assert.False(publish["created"]!.GetValue<bool>());
        Assert.Equal((await ProjectAsync("acme/retry-api"))["id"]!.GetValue<int>(), publish["projectId"]!.GetValue<int>());
        var commits = (await GitCli.RunAsync(GitLab.Root, CancellationToken.None, "--git-dir", GitLab.BarePath("acme", "retry-api"), "log", "--format=%H", "main"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(publish["commitHash"]!.GetValue<string>(), Assert.Single(commits));
        Assert.Equal("component:default/retry-api", task.Output!["links"]![1]!["entityRef"]!.GetValue<string>());
        await using var db = await factory.DbAsync();
        Assert.Single(await db.CatalogLocations.Where(l => l.Target == $"{GitLab.Url}/acme/retry-api.git").ToListAsync());
    }

    /// <summary>Backstage's gitlab-merge-request template from backstage/software-templates, unchanged (registered once per fixture).</summary>
    private async Task RegisterUpstreamMergeRequestTemplateAsync(HttpClient admin)
    {
        await using (var db = await factory.DbAsync())
        {
            if (!await db.CatalogEntities.AnyAsync(e => e.EntityRef == "template:default/gitlab-merge-request"))
            {
                await RegisterAsync(admin, Path.Combine(UpstreamTemplateTests.TestData, "software-templates", "gitlab-merge-request", "template.yaml"));
            }
        }
    }

    [Fact]
    public async Task A_merge_request_opened_on_the_fake_GitLab_whose_answer_was_lost_is_found_by_retry_and_not_opened_twice()
    {
        await GitLab.CreateTakenProjectAsync("acme", "lost-answer");
        using var admin = factory.AdminClient();
        await RegisterUpstreamMergeRequestTemplateAsync(admin);
        var values = new
        {
            name = "lost-answer", description = "Opened once", targetPath = "services/lost-answer", branchName = "backstage/lost-answer",
            assignee = "portal-bot", repoUrl = "gitlab.com?owner=acme&repo=lost-answer",
        };

        // GitLab opens the merge request, and a proxy loses its answer: the step fails after its side effect.
        GitLab.LoseMergeRequestAnswers = true;
        Guid id;
        try
        {
            id = await CreateTaskAsync(admin, "template:default/gitlab-merge-request", values);
            var failed = await WaitForAsync(admin, id, ScaffolderTaskStatus.Failed);
            Assert.Equal(StepStatus.Failed, failed.Steps.Single(s => s.Action == "publish:gitlab:merge-request").Status);
            Assert.Single(GitLab.MergeRequests, m => m.Project == "acme/lost-answer");
        }
        finally
        {
            GitLab.LoseMergeRequestAnswers = false;
        }

        // Retry finds the branch with its own commit and the merge request already open from it, and finishes with that one.
        Assert.Equal(HttpStatusCode.Accepted, (await admin.PostAsync($"/api/scaffolder/tasks/{id}/retry", null)).StatusCode);
        var task = await WaitForAsync(admin, id, ScaffolderTaskStatus.Completed);
        var request = Assert.Single(GitLab.MergeRequests, m => m.Project == "acme/lost-answer");
        Assert.Equal($"{GitLab.Url}/acme/lost-answer/-/merge_requests/{request.Iid}", task.Output!["links"]![0]!["url"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_upstream_gitlab_merge_request_template_registered_unchanged_dry_runs_and_opens_a_merge_request_on_the_fake_GitLab()
    {
        await GitLab.CreateTakenProjectAsync("acme", "web-portal");
        using var admin = factory.AdminClient();
        await RegisterUpstreamMergeRequestTemplateAsync(admin);
        var values = new
        {
            name = "web-portal", description = "The customer web portal", targetPath = "services/web-portal", branchName = "backstage/web-portal",
            assignee = "portal-bot", repoUrl = "gitlab.com?owner=acme&repo=web-portal",
        };

        // The dry run: both steps succeed, the descriptor is rendered and valid, and nothing is pushed or opened.
        var dry = JsonNode.Parse(await (await admin.PostAsJsonAsync("/api/templates/default/gitlab-merge-request/dry-run", new { values })).Content.ReadAsStringAsync())!;
        Assert.DoesNotContain("\"error\"", dry["log"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.All(dry["steps"]!.AsArray(), s => Assert.Equal(StepStatus.Completed, s!["status"]!.GetValue<string>()));
        var rendered = dry["files"]!.AsArray().Single(f => f!["path"]!.GetValue<string>() == "services/web-portal/catalog-info.yaml")!;
        Assert.Contains("name: \"web-portal\"", System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(rendered["base64Content"]!.GetValue<string>())), StringComparison.Ordinal);
        Assert.DoesNotContain(GitLab.MergeRequests, m => m.Project == "acme/web-portal");

        var id = await CreateTaskAsync(admin, "template:default/gitlab-merge-request", values);
        var task = await WaitForAsync(admin, id, ScaffolderTaskStatus.Completed);

        // One merge request from the new branch into main, with the template's title, description and options.
        var request = Assert.Single(GitLab.MergeRequests, m => m.Project == "acme/web-portal");
        Assert.Equal("backstage/web-portal", request.Body["source_branch"]!.GetValue<string>());
        Assert.Equal("main", request.Body["target_branch"]!.GetValue<string>());
        Assert.Equal("Creating catalog-info.yaml web-portal for backstage", request.Body["title"]!.GetValue<string>());
        Assert.Equal("# New project: web-portal\nThe customer web portal\n", request.Body["description"]!.GetValue<string>());
        Assert.True(request.Body["remove_source_branch"]!.GetValue<bool>());
        Assert.Equal(7, request.Body["assignee_id"]!.GetValue<int>()); // the fake's id of the user portal-bot
        Assert.Equal($"{GitLab.Url}/acme/web-portal/-/merge_requests/{request.Iid}", task.Output!["links"]![0]!["url"]!.GetValue<string>());

        // The branch holds the rendered descriptor at the target path, on top of what main had.
        var clone = await GitLab.CloneAsync("acme", "web-portal", "backstage/web-portal");
        try
        {
            Assert.Contains("name: \"web-portal\"", await File.ReadAllTextAsync(Path.Combine(clone, "services", "web-portal", "catalog-info.yaml")), StringComparison.Ordinal);
            Assert.Equal("someone else's\n", await File.ReadAllTextAsync(Path.Combine(clone, "README.md")));
        }
        finally
        {
            Directory.Delete(clone, recursive: true);
        }

        // The same branch again is refused before the task exists; the merge request is not opened twice.
        var again = await admin.PostAsJsonAsync("/api/scaffolder/tasks", new { templateRef = "template:default/gitlab-merge-request", values });
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Equal("Step 'Publish' would fail: The branch 'backstage/web-portal' already exists in acme/web-portal; choose another branch name.",
            (await again.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["template"]![0]!.GetValue<string>());
        Assert.Single(GitLab.MergeRequests, m => m.Project == "acme/web-portal");
    }

    [Fact]
    public async Task The_action_list_offers_the_GitLab_actions_with_Backstage_s_input_and_output_names()
    {
        using var admin = factory.AdminClient();

        var actions = (await admin.GetFromJsonAsync<JsonArray>("/api/scaffolder/actions"))!;

        var publish = actions.Single(a => a!["id"]!.GetValue<string>() == "publish:gitlab")!;
        Assert.Subset(publish["inputs"]!.AsArray().Select(i => i!["name"]!.GetValue<string>()).ToHashSet(),
            new HashSet<string> { "repoUrl", "repoVisibility", "defaultBranch", "sourcePath", "gitCommitMessage", "gitAuthorName", "gitAuthorEmail", "token", "settings" });
        Assert.True(publish["inputs"]!.AsArray().Single(i => i!["name"]!.GetValue<string>() == "repoUrl")!["required"]!.GetValue<bool>());
        Assert.Equal(["commitHash", "created", "projectId", "remoteUrl", "repoContentsUrl"],
            publish["outputs"]!.AsArray().Select(o => o!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        var mergeRequest = actions.Single(a => a!["id"]!.GetValue<string>() == "publish:gitlab:merge-request")!;
        Assert.Equal(["mergeRequestUrl", "projectPath", "projectid", "targetBranchName"],
            mergeRequest["outputs"]!.AsArray().Select(o => o!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal));
    }

    /// <summary>The fake's own description of a project, read through its API with the token.</summary>
    private async Task<JsonObject> ProjectAsync(string path)
    {
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == HttpsTestServer.Thumbprint };
        using var client = new HttpClient(handler);
        client.DefaultRequestHeaders.Add("PRIVATE-TOKEN", FakeGitLabFixture.Token);
        return (await client.GetFromJsonAsync<JsonObject>($"{GitLab.ApiBaseUrl}/projects/{Uri.EscapeDataString(path)}"))!;
    }

    private static string WriteTemplate(string root)
    {
        Directory.CreateDirectory(Path.Combine(root, "skeleton"));
        File.WriteAllText(Path.Combine(root, "template.yaml"), """
            apiVersion: scaffolder.backstage.io/v1beta3
            kind: Template
            metadata:
              name: gitlab-service
              title: Service on GitLab
            spec:
              owner: group:default/platform
              type: service
              parameters:
                - title: Service
                  required: [name, owner, repoUrl]
                  properties:
                    name: {title: Name, type: string, pattern: '^[a-z][a-z0-9-]{2,30}$'}
                    owner: {title: Owner, type: string, ui:field: OwnerPicker, ui:options: {catalogFilter: {kind: Group} } }
                    repoUrl: {title: Repository, type: string, ui:field: RepoUrlPicker, ui:options: {allowedHosts: [gitlab.example.com]} }
              steps:
                - id: fetch
                  name: Render
                  action: fetch:template
                  input:
                    url: ./skeleton
                    values:
                      name: ${{ parameters.name }}
                      owner: ${{ parameters.owner }}
                - id: publish
                  name: Publish
                  action: publish:gitlab
                  input:
                    repoUrl: ${{ parameters.repoUrl }}
                    repoVisibility: internal
                    gitCommitMessage: Scaffold ${{ parameters.name }}
                    settings:
                      description: ${{ parameters.name }} service
                      topics: [scaffolded]
                - id: register
                  name: Register
                  action: catalog:register
                  input:
                    repoContentsUrl: ${{ steps['publish'].output.repoContentsUrl }}
                    catalogInfoPath: /catalog-info.yaml
              output:
                links:
                  - title: Repository
                    url: ${{ steps['publish'].output.remoteUrl }}
                  - title: Open in catalog
                    entityRef: ${{ steps['register'].output.entityRef }}
            """);
        File.WriteAllText(Path.Combine(root, "skeleton", "README.md"), "# ${{ values.name }}\n");
        File.WriteAllText(Path.Combine(root, "skeleton", "run.sh"), "#!/bin/sh\necho ${{ values.name }}\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path.Combine(root, "skeleton", "run.sh"), (UnixFileMode)0b111_101_101);
        }
        File.WriteAllText(Path.Combine(root, "skeleton", "catalog-info.yaml"), """
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata:
              name: ${{ values.name }}
            spec:
              type: service
              lifecycle: experimental
              owner: ${{ values.owner }}
            """);
        return Path.Combine(root, "template.yaml");
    }
}
