using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Features.Templates;
using static Portal.IntegrationTests.Templates.TemplateKit;
using Portal.Web.Features.Identity;
using Portal.Web.Features.Catalog;

namespace Portal.IntegrationTests.Templates;

/// <summary>The scaffolder over the real API, database, Hangfire and git: dry-run, tasks, publishing, catalog registration, retry.</summary>
public sealed class ScaffolderTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IAsyncLifetime
{
    private const string TemplateRef = "template:default/svc-template";
    private string _ana = "";

    private string RepositoryRoot => Path.Combine(factory.TemplatesFolder, "repos");

    public async Task InitializeAsync()
    {
        factory.Settings["Portal:Jobs:WorkerCount"] = "2";
        await factory.SeedDemoAsync();
        (_, _ana) = await factory.UserWithTokenAsync("ana.silva", "ana.silva@northwind.example");
        using var admin = factory.AdminClient();
        var file = WriteServiceTemplate(Path.Combine(factory.TemplatesFolder, "templates"));
        await using var db = await factory.DbAsync();
        if (!await db.CatalogEntities.AnyAsync(e => e.EntityRef == TemplateRef))
        {
            await RegisterAsync(admin, file);
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_task_publishes_a_clonable_repository_and_registers_the_component_with_its_owner()
    {
        using var ana = factory.ClientWithToken(_ana);

        var id = await CreateTaskAsync(ana, TemplateRef, new { name = "ledger-api", owner = "group:default/payments", token = "tok-9f8e7d6c" });
        var task = await WaitForAsync(ana, id, ScaffolderTaskStatus.Completed);

        Assert.All(task.Steps, s => Assert.Equal(StepStatus.Completed, s.Status));
        var remote = task.Output!["links"]![0]!["url"]!.GetValue<string>();
        Assert.Equal(new Uri(Path.Combine(RepositoryRoot, "payments", "ledger-api.git")).AbsoluteUri, remote);
        var clone = await CloneAsync(remote);
        try
        {
            Assert.Equal("# ledger-api\n\nOwned by group:default/payments.\n", await File.ReadAllTextAsync(Path.Combine(clone, "README.md")));
            Assert.Contains("owner: group:default/payments", await File.ReadAllTextAsync(Path.Combine(clone, "catalog-info.yaml")), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(clone, recursive: true);
        }
        Assert.Equal("component:default/ledger-api", task.Output["links"]![1]!["entityRef"]!.GetValue<string>());
        var entity = await ana.GetFromJsonAsync<JsonObject>("/api/catalog/entities/by-name/component/default/ledger-api");
        Assert.Equal("group:default/payments", entity!["spec"]!["owner"]!.GetValue<string>());

        // The secret reaches the step that uses it, but never the log or the stored values.
        Assert.Contains(task.Log, l => l.StepId == "say" && l.Message == "deploy token ********");
        Assert.DoesNotContain(task.Log, l => l.Message.Contains("tok-9f8e7d6c", StringComparison.Ordinal));
        Assert.Equal("********", task.Values["token"]!.GetValue<string>());
        await using var db = await factory.DbAsync();
        var stored = await db.ScaffolderTasks.AsNoTracking().SingleAsync(t => t.Id == id);
        Assert.DoesNotContain("tok-9f8e7d6c", stored.Values, StringComparison.Ordinal);
        Assert.Null(stored.ProtectedSecrets);
        Assert.True(await db.AuditEntries.AnyAsync(a => a.Action == "scaffolder.task.completed" && a.Target == id.ToString()));
    }

    [Fact]
    public async Task A_dry_run_returns_every_file_and_writes_nothing()
    {
        using var ana = factory.ClientWithToken(_ana);

        var response = await ana.PostAsJsonAsync("/api/templates/default/svc-template/dry-run",
            new { values = new { name = "preview-only", owner = "group:default/payments" } });
        var result = await response.Content.ReadFromJsonAsync<DryRunResult>(JsonSerializerOptions.Web);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["README.md", "catalog-info.yaml"], result!.Files.Select(f => f.Path));
        Assert.Equal("# preview-only\n\nOwned by group:default/payments.\n", System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(result.Files[0].Base64Content)));
        Assert.Contains(result.Log, l => l.StepId == "publish" && l.Message.StartsWith("Dry run: would create", StringComparison.Ordinal));
        Assert.Equal("component:default/preview-only", result.Output!["links"]![1]!["entityRef"]!.GetValue<string>());
        Assert.False(Directory.Exists(Path.Combine(RepositoryRoot, "payments", "preview-only.git")));
        Assert.Equal(HttpStatusCode.NotFound, (await ana.GetAsync("/api/catalog/entities/by-name/component/default/preview-only")).StatusCode);
    }

    [Fact]
    public async Task Invalid_values_are_refused_with_the_field_and_nothing_runs()
    {
        using var ana = factory.ClientWithToken(_ana);

        var response = await ana.PostAsJsonAsync("/api/scaffolder/tasks",
            new { templateRef = TemplateRef, values = new { name = "Bad Name!", token = new string('x', 20_000) } });
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Name does not match the required format (^[a-z][a-z0-9-]{2,30}$).", problem!["errors"]!["name"]![0]!.GetValue<string>());
        Assert.Equal("Owner is required.", problem["errors"]!["owner"]![0]!.GetValue<string>());
        Assert.Contains("at most", problem["errors"]!["token"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await ana.PostAsJsonAsync("/api/scaffolder/tasks",
            new { templateRef = "template:default/missing", values = new { } })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await ana.PostAsync("/api/scaffolder/tasks",
            new StringContent("{not json", System.Text.Encoding.UTF8, "application/json"))).StatusCode);
    }

    [Fact]
    public async Task A_task_that_fails_in_its_run_before_any_side_effect_can_be_retried_from_the_failed_step()
    {
        using var ana = factory.ClientWithToken(_ana);
        // A file where the repository's folder would go: the preflight finds no repository there, the run cannot
        // create one and fails at Publish before anything was made; once the file is gone, a retry finishes it.
        var blocked = Path.Combine(RepositoryRoot, "payments", "blocked-name.git");
        Directory.CreateDirectory(Path.GetDirectoryName(blocked)!);
        await File.WriteAllTextAsync(blocked, "not a repository");

        var id = await CreateTaskAsync(ana, TemplateRef, new { name = "blocked-name", owner = "group:default/payments" });
        var failed = await WaitForAsync(ana, id, ScaffolderTaskStatus.Failed);

        Assert.StartsWith("Step 'Publish' failed: ", failed.Error, StringComparison.Ordinal);
        Assert.Equal([StepStatus.Completed, StepStatus.Completed, StepStatus.Failed, StepStatus.Pending], failed.Steps.Select(s => s.Status));

        File.Delete(blocked);
        var retry = await ana.PostAsync($"/api/scaffolder/tasks/{id}/retry", null);
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        var completed = await WaitForAsync(ana, id, ScaffolderTaskStatus.Completed);

        Assert.All(completed.Steps, s => Assert.Equal(StepStatus.Completed, s.Status));
        Assert.Contains(completed.Log, l => l.Message.StartsWith("Retried by", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Conflict, (await ana.PostAsync($"/api/scaffolder/tasks/{id}/retry", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await ana.PostAsync($"/api/scaffolder/tasks/{id}/cancel", null)).StatusCode);
    }

    [Fact]
    public async Task Another_user_cannot_cancel_or_retry_my_task_and_readers_cannot_create()
    {
        using var ana = factory.ClientWithToken(_ana);
        var (_, danaToken) = await factory.UserWithTokenAsync("dana.kim", "dana.kim@northwind.example");
        var (_, readerToken) = await factory.UserWithTokenAsync("reader-1", scopes: ["catalog:read"]);
        using var dana = factory.ClientWithToken(danaToken);
        using var reader = factory.ClientWithToken(readerToken);

        var id = await CreateTaskAsync(ana, TemplateRef, new { name = "ana-only", owner = "group:default/payments" });

        Assert.Equal(HttpStatusCode.Forbidden, (await dana.PostAsync($"/api/scaffolder/tasks/{id}/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await dana.PostAsync($"/api/scaffolder/tasks/{id}/retry", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.PostAsJsonAsync("/api/scaffolder/tasks",
            new { templateRef = TemplateRef, values = new { name = "nope-nope", owner = "group:default/payments" } })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync($"/api/scaffolder/tasks/{id}")).StatusCode);
        await WaitForAsync(ana, id, ScaffolderTaskStatus.Completed);
    }

    [Fact]
    public async Task A_template_cannot_register_a_repository_its_run_did_not_publish()
    {
        var folder = Path.Combine(factory.TemplatesFolder, "sneaky");
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "template.yaml"), """
            apiVersion: scaffolder.backstage.io/v1beta3
            kind: Template
            metadata:
              name: sneaky
            spec:
              owner: group:default/platform
              type: service
              parameters:
                properties:
                  repo: {type: string}
              steps:
                - id: register
                  action: catalog:register
                  input:
                    repoContentsUrl: ${{ parameters.repo }}
            """);
        using var admin = factory.AdminClient();
        await RegisterAsync(admin, Path.Combine(folder, "template.yaml"));
        using var ana = factory.ClientWithToken(_ana);

        var id = await CreateTaskAsync(ana, "template:default/sneaky", new { repo = "file:///etc" });
        var failed = await WaitForAsync(ana, id, ScaffolderTaskStatus.Failed);

        Assert.Equal("Step 'register' failed: catalog:register registers only a repository this task published (a publish step's repoContentsUrl), not 'file:///etc'.",
            failed.Error);
        await using var db = await factory.DbAsync();
        Assert.False(await db.CatalogLocations.AnyAsync(l => l.Target == "file:///etc"));
    }

    [Fact]
    public async Task Templates_and_actions_are_listed_with_their_schemas()
    {
        using var ana = factory.ClientWithToken(_ana);

        var templates = await ana.GetFromJsonAsync<JsonArray>("/api/templates");
        var detail = await ana.GetFromJsonAsync<JsonObject>("/api/templates/default/svc-template");
        var actions = await ana.GetFromJsonAsync<JsonArray>("/api/scaffolder/actions");

        Assert.Contains(templates!, t => t!["entityRef"]!.GetValue<string>() == TemplateRef);
        Assert.Equal("Service", detail!["parameters"]![0]!["title"]!.GetValue<string>());
        // Fields keep the order the author wrote (the catalog's jsonb sorts keys by length: owner before description).
        Assert.Equal(["name", "description", "owner"], detail["parameters"]![0]!["properties"]!.AsObject().Select(p => p.Key));
        Assert.Equal(["fetch", "say", "publish", "register"], detail["steps"]!.AsArray().Select(s => s!["id"]!.GetValue<string>()));
        Assert.Equal(["catalog:register", "catalog:write", "debug:log", "fetch:plain", "fetch:plain:file", "fetch:template", "fs:delete", "fs:rename", "http:backstage:request", "notification:send", "publish:git", "publish:github", "publish:github:pull-request", "publish:gitlab", "publish:gitlab:merge-request"],
            actions!.Select(a => a!["id"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.NotFound, (await ana.GetAsync("/api/templates/default/nope")).StatusCode);
    }
}
