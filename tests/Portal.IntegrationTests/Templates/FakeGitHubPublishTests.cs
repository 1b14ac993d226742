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
/// Real runs against a fake GitHub (<see cref="FakeGitHubServer"/>: GitHub's REST API faked on loopback HTTPS, git served
/// by the real <c>git http-backend</c>), because GitHub cannot be reached from here. The portal is configured as for GitHub
/// Enterprise (an API base URL and a token); its catalog reads the new repositories over HTTPS with a per-host token.
/// Backstage's upstream templates, registered unchanged, create their repository and register their component.
/// </summary>
public sealed class FakeGitHubPublishTests(FakeGitHubFixture fixture) : IClassFixture<FakeGitHubFixture>
{
    private const string Token = FakeGitHubFixture.Token;
    private readonly PortalAppFactory factory = fixture.Factory;

    private FakeGitHubServer GitHub => fixture.GitHub;

    public static TheoryData<string> Templates => UpstreamTemplateTests.Templates;

    [Theory]
    [MemberData(nameof(Templates))]
    public async Task A_real_run_of_an_upstream_template_against_the_fake_GitHub_creates_the_repository_and_registers_the_component(string name)
    {
        var (folder, values, executable) = UpstreamTemplateTests.Cases[name];
        var repoUrl = (string)values.GetType().GetProperty("repoUrl")!.GetValue(values)!;
        var repo = repoUrl[(repoUrl.IndexOf("repo=", StringComparison.Ordinal) + 5)..];
        using var admin = factory.AdminClient();

        var id = await CreateTaskAsync(admin, $"template:default/{name}", values);
        var task = await WaitForAsync(admin, id, ScaffolderTaskStatus.Completed);

        // The repository, cloned over HTTPS from the fake host: the skeleton's files, rendered, modes kept.
        var clone = await GitHub.CloneAsync("acme", repo);
        try
        {
            var skeleton = Directory.EnumerateFiles(Path.Combine(UpstreamTemplateTests.TestData, folder), "*", SearchOption.AllDirectories)
                .Count(f => Path.GetFileName(f) != "template.yaml");
            var files = (await GitCli.RunAsync(clone, CancellationToken.None, "ls-files", "-s")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(skeleton, files.Length);
            Assert.Equal(executable.Order(StringComparer.Ordinal),
                files.Where(f => f.StartsWith("100755 ", StringComparison.Ordinal)).Select(f => f[(f.IndexOf('\t', StringComparison.Ordinal) + 1)..]).Order(StringComparer.Ordinal));
            var descriptor = await File.ReadAllTextAsync(Path.Combine(clone, "catalog-info.yaml"));
            Assert.DoesNotContain("${{", descriptor, StringComparison.Ordinal);
            var log = await GitCli.RunAsync(clone, CancellationToken.None, "log", "--format=%an <%ae>%n%B");
            Assert.Contains($"Portal-Task: {id}", log, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(clone, recursive: true);
        }

        // GitHub was asked with the token, in the organisation the person chose; the token is in no log line.
        var create = Assert.Single(GitHub.ApiRequests, r => r.Line == "POST /api/v3/orgs/acme/repos" && r.Body["name"]?.ToString() == repo);
        Assert.Equal($"Bearer {Token}", create.Authorization);
        Assert.DoesNotContain(task.Log, l => l.Message.Contains(Token, StringComparison.Ordinal));

        // The component is in the catalog, read back from the new repository's HTTPS clone URL, and the task links to both.
        var entityRef = task.Output!["links"]![1]!["entityRef"]!.GetValue<string>();
        Assert.StartsWith("component:default/", entityRef, StringComparison.Ordinal);
        var entityName = entityRef["component:default/".Length..];
        var entity = await admin.GetFromJsonAsync<JsonObject>($"/api/catalog/entities/by-name/component/default/{entityName}");
        Assert.Equal(entityName, entity!["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal($"{GitHub.Url}/acme/{repo}", task.Output["links"]![0]!["url"]!.GetValue<string>());
        await using var db = await factory.DbAsync();
        var location = await db.CatalogLocations.SingleAsync(l => l.Target == $"{GitHub.Url}/acme/{repo}.git");
        Assert.Equal("git", location.Type);

        // The portal's repository view shows what was pushed, from the copy the publisher kept, with GitHub's clone URL.
        var view = (await admin.GetFromJsonAsync<JsonObject>($"/api/scaffolder/tasks/{id}/repository"))!;
        Assert.Equal($"acme/{repo}", view["name"]!.GetValue<string>());
        Assert.Equal($"{GitHub.Url}/acme/{repo}.git", view["cloneUrl"]!.GetValue<string>());
        Assert.Equal(task.Steps.Single(s => s.Action == "publish:github").Output is { } o ? JsonNode.Parse(o)!["commitHash"]!.GetValue<string>() : null,
            view["commit"]!.GetValue<string>());
        Assert.Equal(Directory.EnumerateFiles(Path.Combine(UpstreamTemplateTests.TestData, folder), "*", SearchOption.AllDirectories).Count(f => Path.GetFileName(f) != "template.yaml"),
            view["entries"]!.AsArray().Count(e => e!["type"]!.GetValue<string>() != "tree"));
    }

    [Fact]
    public async Task A_repository_name_taken_on_the_fake_GitHub_is_refused_by_the_dry_run_and_the_real_run_before_anything_is_made()
    {
        await GitHub.CreateTakenRepositoryAsync("acme", "taken-grpc");
        var values = SpringValues("taken-grpc", "taken-grpc");
        using var admin = factory.AdminClient();

        var dry = await (await admin.PostAsJsonAsync("/api/templates/default/springboot-template/dry-run", new { values })).Content.ReadFromJsonAsync<JsonObject>();
        var create = await admin.PostAsJsonAsync("/api/scaffolder/tasks", new { templateRef = "template:default/springboot-template", values });

        var error = dry!["log"]!.AsArray().Single(l => l!["level"]!.GetValue<string>() == "error")!;
        Assert.Equal("publish", error["stepId"]!.GetValue<string>());
        Assert.Equal("The GitHub repository acme/taken-grpc already exists; choose another name.", error["message"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, create.StatusCode);
        Assert.Equal("Step 'Publish' would fail: The GitHub repository acme/taken-grpc already exists; choose another name.",
            (await create.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["template"]![0]!.GetValue<string>());
        Assert.DoesNotContain(GitHub.ApiRequests, r => r.Line.StartsWith("POST ", StringComparison.Ordinal) && r.Body["name"]?.ToString() == "taken-grpc");
        Assert.Equal("Theirs\n", await GitCli.RunAsync(GitHub.Root, CancellationToken.None, "--git-dir", GitHub.BarePath("acme", "taken-grpc"), "log", "--format=%s"));
        await using var db = await factory.DbAsync();
        Assert.False(await db.CatalogEntities.AnyAsync(e => e.EntityRef == "component:default/taken-grpc"));
    }

    [Theory]
    [InlineData("payment-gateway", "payment-gateway-repo", "template", "Step 'Register' would fail: component:default/payment-gateway is already in the catalog; choose another name.")]
    [InlineData("Greeter Svc", "greeter-svc-repo", "component_id", null)]
    public async Task A_taken_or_invalid_entity_name_is_refused_before_any_repository_exists_on_the_fake_GitHub(string component, string repo, string field,
        string? expected)
    {
        using var admin = factory.AdminClient();

        var create = await admin.PostAsJsonAsync("/api/scaffolder/tasks",
            new { templateRef = "template:default/springboot-template", values = SpringValues(component, repo) });

        Assert.Equal(HttpStatusCode.BadRequest, create.StatusCode);
        var message = (await create.Content.ReadFromJsonAsync<JsonObject>())!["errors"]![field]![0]!.GetValue<string>();
        if (expected is not null)
        {
            Assert.Equal(expected, message);
        }
        else
        {
            Assert.Contains("Greeter Svc", message, StringComparison.Ordinal);
        }
        Assert.False(GitHub.Exists("acme", repo));
        Assert.DoesNotContain(GitHub.ApiRequests, r => r.Line.StartsWith("POST ", StringComparison.Ordinal) && r.Body["name"]?.ToString() == repo);
    }

    [Fact]
    public async Task Publishing_to_an_organisation_the_fake_GitHub_does_not_have_fails_the_step_with_GitHub_s_answer_and_makes_nothing()
    {
        using var admin = factory.AdminClient();
        var values = SpringValues("orphan-grpc", "orphan-grpc", owner: "no-such-org");

        var id = await CreateTaskAsync(admin, "template:default/springboot-template", values);
        var task = await WaitForAsync(admin, id, ScaffolderTaskStatus.Failed);

        Assert.Equal("Step 'Publish' failed: GitHub has no organisation 'no-such-org' this token can create repositories in.", task.Error);
        Assert.False(GitHub.Exists("no-such-org", "orphan-grpc"));
        await using var db = await factory.DbAsync();
        Assert.False(await db.CatalogEntities.AnyAsync(e => e.EntityRef == "component:default/orphan-grpc"));
    }

    [Fact]
    public async Task Publish_github_pull_request_pushes_a_branch_to_the_fake_GitHub_and_opens_a_pull_request_and_a_missing_repository_is_refused_before_the_task()
    {
        await GitHub.CreateTakenRepositoryAsync("acme", "handbook");
        using var admin = factory.AdminClient();
        await RegisterPullRequestTemplateAsync(admin);

        var id = await CreateTaskAsync(admin, "template:default/add-docs-pr", new { topic = "oncall", repo = "handbook" });
        var task = await WaitForAsync(admin, id, ScaffolderTaskStatus.Completed);

        var pull = Assert.Single(GitHub.PullRequests, p => p.Repository == "acme/handbook");
        Assert.Equal("scaffolder/oncall", pull.Body["head"]!.GetValue<string>());
        Assert.Equal("main", pull.Body["base"]!.GetValue<string>());
        Assert.Equal("Add oncall docs", pull.Body["title"]!.GetValue<string>());
        Assert.True(pull.Body["draft"]!.GetValue<bool>());
        Assert.Equal($"{GitHub.Url}/acme/handbook/pull/{pull.Number}", task.Output!["links"]![0]!["url"]!.GetValue<string>());
        var clone = await GitHub.CloneAsync("acme", "handbook", "scaffolder/oncall");
        try
        {
            Assert.Equal("# oncall\n", await File.ReadAllTextAsync(Path.Combine(clone, "docs", "oncall", "index.md")));
            Assert.Equal("someone else's\n", await File.ReadAllTextAsync(Path.Combine(clone, "README.md"))); // the branch starts from main
        }
        finally
        {
            Directory.Delete(clone, recursive: true);
        }

        var again = await admin.PostAsJsonAsync("/api/scaffolder/tasks", new { templateRef = "template:default/add-docs-pr", values = new { topic = "oncall", repo = "handbook" } });
        var missing = await admin.PostAsJsonAsync("/api/scaffolder/tasks", new { templateRef = "template:default/add-docs-pr", values = new { topic = "x", repo = "no-such-repo" } });

        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Equal("Step 'Open pull request' would fail: The branch 'scaffolder/oncall' already exists in acme/handbook; choose another branch name.",
            (await again.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["template"]![0]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Equal("Step 'Open pull request' would fail: The GitHub repository acme/no-such-repo does not exist or this token cannot see it; a pull request needs an existing repository.",
            (await missing.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["template"]![0]!.GetValue<string>());
        Assert.Single(GitHub.PullRequests, p => p.Repository == "acme/handbook");
    }

    [Fact]
    public async Task A_pull_request_opened_on_the_fake_GitHub_whose_answer_was_lost_is_found_by_retry_and_not_opened_twice()
    {
        await GitHub.CreateTakenRepositoryAsync("acme", "lost-answer");
        using var admin = factory.AdminClient();
        await RegisterPullRequestTemplateAsync(admin);

        // GitHub opens the pull request, and a proxy loses its answer: the step fails after its side effect.
        GitHub.LosePullRequestAnswers = true;
        Guid id;
        try
        {
            id = await CreateTaskAsync(admin, "template:default/add-docs-pr", new { topic = "runbooks", repo = "lost-answer" });
            var failed = await WaitForAsync(admin, id, ScaffolderTaskStatus.Failed);
            Assert.Equal(StepStatus.Failed, failed.Steps.Single(s => s.Action == "publish:github:pull-request").Status);
            Assert.Single(GitHub.PullRequests, p => p.Repository == "acme/lost-answer");
        }
        finally
        {
            GitHub.LosePullRequestAnswers = false;
        }

        // Retry finds the branch with its own commit and the pull request already open from it, and finishes with that one.
        Assert.Equal(HttpStatusCode.Accepted, (await admin.PostAsync($"/api/scaffolder/tasks/{id}/retry", null)).StatusCode);
        var task = await WaitForAsync(admin, id, ScaffolderTaskStatus.Completed);
        var pull = Assert.Single(GitHub.PullRequests, p => p.Repository == "acme/lost-answer");
        Assert.Equal($"{GitHub.Url}/acme/lost-answer/pull/{pull.Number}", task.Output!["links"]![0]!["url"]!.GetValue<string>());
        Assert.Equal(pull.Number, JsonNode.Parse(task.Steps.Single(s => s.Id == "pr").Output!)!["pullRequestNumber"]!.GetValue<int>());
    }

    /// <summary>A template that puts a rendered page on a new branch of an existing repository and opens a pull request.</summary>
    private async Task RegisterPullRequestTemplateAsync(HttpClient admin)
    {
        await using (var db = await factory.DbAsync())
        {
            if (await db.CatalogEntities.AnyAsync(e => e.EntityRef == "template:default/add-docs-pr"))
            {
                return;
            }
        }
        var folder = Path.Combine(factory.TemplatesFolder, "pr-template");
        Directory.CreateDirectory(Path.Combine(folder, "skeleton"));
        await File.WriteAllTextAsync(Path.Combine(folder, "skeleton", "index.md"), "# ${{ values.topic }}\n");
        await File.WriteAllTextAsync(Path.Combine(folder, "template.yaml"), """
            apiVersion: scaffolder.backstage.io/v1beta3
            kind: Template
            metadata:
              name: add-docs-pr
            spec:
              owner: group:default/platform
              type: documentation
              parameters:
                properties:
                  topic: {type: string}
                  repo: {type: string}
              steps:
                - id: fetch
                  action: fetch:template
                  input:
                    url: ./skeleton
                    values:
                      topic: ${{ parameters.topic }}
                - id: pr
                  name: Open pull request
                  action: publish:github:pull-request
                  input:
                    repoUrl: github.com?owner=acme&repo=${{ parameters.repo }}
                    branchName: scaffolder/${{ parameters.topic }}
                    title: Add ${{ parameters.topic }} docs
                    description: Made by the portal
                    targetPath: docs/${{ parameters.topic }}
                    draft: true
              output:
                links:
                  - title: Pull request
                    url: ${{ steps.pr.output.remoteUrl }}
            """);
        await RegisterAsync(admin, Path.Combine(folder, "template.yaml"));
    }

    private static object SpringValues(string component, string repo, string owner = "acme") => new
    {
        component_id = component, java_package_name = "io.acme.x", description = "A gRPC service", owner = "group:default/payments",
        repoUrl = $"github.com?owner={owner}&repo={repo}",
    };

    [Fact]
    public async Task A_run_that_fails_after_creating_the_repository_on_the_fake_GitHub_is_finished_by_retry_without_a_second_repository_or_push()
    {
        using var admin = factory.AdminClient();
        var values = new { name = "retry-handbook", description = "Finished by a retry", owner = "group:default/payments", repoUrl = "github.com?owner=acme&repo=retry-handbook" };

        // GitHub takes the push, then fails the catalog's fetch: the task fails after its side effect.
        GitHub.RefuseFetches = true;
        Guid id;
        try
        {
            id = await CreateTaskAsync(admin, "template:default/docs-template", values);
            var failed = await WaitForAsync(admin, id, ScaffolderTaskStatus.Failed);
            Assert.Equal(StepStatus.Completed, failed.Steps.Single(s => s.Action == "publish:github").Status);
            Assert.Equal(StepStatus.Failed, failed.Steps.Single(s => s.Action == "catalog:register").Status);
            Assert.True(GitHub.Exists("acme", "retry-handbook"));
        }
        finally
        {
            GitHub.RefuseFetches = false;
        }

        // Retry carries on from the failed step: the repository is not created or pushed again, the component arrives.
        Assert.Equal(HttpStatusCode.Accepted, (await admin.PostAsync($"/api/scaffolder/tasks/{id}/retry", null)).StatusCode);
        var task = await WaitForAsync(admin, id, ScaffolderTaskStatus.Completed);

        Assert.Single(GitHub.ApiRequests, r => r.Line == "POST /api/v3/orgs/acme/repos" && r.Body["name"]?.ToString() == "retry-handbook");
        var clone = await GitHub.CloneAsync("acme", "retry-handbook");
        try
        {
            var commits = (await GitCli.RunAsync(clone, CancellationToken.None, "log", "--format=%H")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Single(commits);
        }
        finally
        {
            Directory.Delete(clone, recursive: true);
        }
        Assert.Equal("component:default/retry-handbook", task.Output!["links"]![1]!["entityRef"]!.GetValue<string>());
        await using var db = await factory.DbAsync();
        Assert.Single(await db.CatalogLocations.Where(l => l.Target == $"{GitHub.Url}/acme/retry-handbook.git").ToListAsync());
        Assert.Equal("retry-handbook", (await admin.GetFromJsonAsync<JsonObject>("/api/catalog/entities/by-name/component/default/retry-handbook"))!["metadata"]!["name"]!.GetValue<string>());
    }
}
