using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Templates;
using static Portal.IntegrationTests.Templates.TemplateKit;

namespace Portal.IntegrationTests.Templates;

/// <summary>
/// Dry run and real run share one validation pass, and a real run refuses with the dry run's messages before anything
/// is made: an invalid name typed into an EntityNamePicker, a name the catalog already has, a repository that exists.
/// Nothing is left half-made: no task, no repository, no location.
/// </summary>
public sealed class TemplatePreflightTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IAsyncLifetime
{
    private const string SpringBoot = "template:default/springboot-template";
    private const string Service = "template:default/svc-template";

    private string RepositoryRoot => Path.Combine(factory.TemplatesFolder, "repos");

    public async Task InitializeAsync()
    {
        await factory.SeedDemoAsync();
        using var admin = factory.AdminClient();
        await using var db = await factory.DbAsync();
        if (!await db.CatalogEntities.AnyAsync(e => e.EntityRef == SpringBoot))
        {
            await RegisterAsync(admin, Path.Combine(UpstreamTemplateTests.TestData, "software-templates/springboot-grpc-template/template.yaml"));
            await RegisterAsync(admin, WriteServiceTemplate(Path.Combine(factory.TemplatesFolder, "templates")));
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static object SpringValues(string name) => new
    {
        component_id = name, java_package_name = "io.acme.greeter", description = "Says hello", owner = "group:default/payments",
        repoUrl = $"github.com?owner=acme&repo={name.Replace(' ', '-')}",
    };

    private async Task<int> TaskCountAsync()
    {
        await using var db = await factory.DbAsync();
        return await db.ScaffolderTasks.CountAsync();
    }

    [Fact]
    public async Task An_invalid_entity_name_is_refused_by_the_dry_run_and_the_real_run_with_the_same_message()
    {
        using var admin = factory.AdminClient();
        var tasksBefore = await TaskCountAsync();
        const string Expected = "Name must be a valid entity name: letters and digits, with single '-', '_' or '.' between them, at most 63 characters ('Greeter Svc' is not).";

        var dry = await admin.PostAsJsonAsync("/api/templates/default/springboot-template/dry-run", new { values = SpringValues("Greeter Svc") });
        var create = await admin.PostAsJsonAsync("/api/scaffolder/tasks", new { templateRef = SpringBoot, values = SpringValues("Greeter Svc") });

        Assert.Equal(HttpStatusCode.BadRequest, dry.StatusCode);
        Assert.Equal(Expected, (await dry.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["component_id"]![0]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, create.StatusCode);
        Assert.Equal(Expected, (await create.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["component_id"]![0]!.GetValue<string>());
        Assert.Equal(tasksBefore, await TaskCountAsync());
    }

    [Fact]
    public async Task A_name_the_catalog_already_has_is_refused_before_any_repository_is_made()
    {
        using var admin = factory.AdminClient();
        var tasksBefore = await TaskCountAsync();
        await using (var db = await factory.DbAsync())
        {
            Assert.True(await db.CatalogEntities.AnyAsync(e => e.EntityRef == "component:default/payment-gateway"));
        }

        var dry = await (await admin.PostAsJsonAsync("/api/templates/default/springboot-template/dry-run", new { values = SpringValues("payment-gateway") }))
            .Content.ReadFromJsonAsync<JsonObject>();
        var create = await admin.PostAsJsonAsync("/api/scaffolder/tasks", new { templateRef = SpringBoot, values = SpringValues("payment-gateway") });

        var error = dry!["log"]!.AsArray().Single(l => l!["level"]!.GetValue<string>() == "error")!;
        Assert.Equal("register", error["stepId"]!.GetValue<string>());
        Assert.Equal("component:default/payment-gateway is already in the catalog; choose another name.", error["message"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, create.StatusCode);
        Assert.Equal("Step 'Register' would fail: component:default/payment-gateway is already in the catalog; choose another name.",
            (await create.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["template"]![0]!.GetValue<string>());
        Assert.Equal(tasksBefore, await TaskCountAsync());
    }

    [Fact]
    public async Task A_repository_that_exists_is_refused_by_the_dry_run_and_the_real_run_and_the_same_values_work_once_it_is_gone()
    {
        using var admin = factory.AdminClient();
        var taken = Path.Combine(RepositoryRoot, "payments", "taken-repo.git");
        Directory.CreateDirectory(taken);
        var values = new { name = "taken-repo", owner = "group:default/payments" };
        var tasksBefore = await TaskCountAsync();

        var dry = await (await admin.PostAsJsonAsync("/api/templates/default/svc-template/dry-run", new { values })).Content.ReadFromJsonAsync<JsonObject>();
        var create = await admin.PostAsJsonAsync("/api/scaffolder/tasks", new { templateRef = Service, values });

        var error = dry!["log"]!.AsArray().Single(l => l!["level"]!.GetValue<string>() == "error")!;
        Assert.Equal("A repository payments/taken-repo already exists; choose another name.", error["message"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, create.StatusCode);
        Assert.Equal("Step 'Publish' would fail: A repository payments/taken-repo already exists; choose another name.",
            (await create.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["template"]![0]!.GetValue<string>());
        Assert.Equal(tasksBefore, await TaskCountAsync());
        Assert.Empty(Directory.EnumerateFileSystemEntries(taken));

        Directory.Delete(taken);
        var id = await CreateTaskAsync(admin, Service, values);
        var done = await WaitForAsync(admin, id, Portal.Web.Features.Templates.ScaffolderTaskStatus.Completed);
        Assert.Equal("component:default/taken-repo", done.Output!["links"]![1]!["entityRef"]!.GetValue<string>());
    }
}
