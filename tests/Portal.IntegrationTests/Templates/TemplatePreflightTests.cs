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
    private const string Tagged = "template:default/tagged-template";

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
        if (!await db.CatalogEntities.AnyAsync(e => e.EntityRef == Tagged))
        {
            var folder = Path.Combine(factory.TemplatesFolder, "templates", "tagged-template");
            Directory.CreateDirectory(folder);
            await File.WriteAllTextAsync(Path.Combine(folder, "template.yaml"), """
                apiVersion: scaffolder.backstage.io/v1beta3
                kind: Template
                metadata:
                  name: tagged-template
                  title: Tagged
                spec:
                  owner: group:default/platform
                  type: service
                  parameters:
                    - title: Tags
                      properties:
                        tags:
                          title: Tags
                          type: array
                          items: {type: string}
                          ui:field: EntityTagsPicker
                          ui:options: {kinds: [Component], showCounts: true}
                  steps:
                    - id: say
                      name: Say
                      action: debug:log
                      input:
                        message: 'tags ${{ parameters.tags | join(",") }}'
                """);
            await RegisterAsync(admin, Path.Combine(folder, "template.yaml"));
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

    [Fact]
    public async Task A_tag_the_catalog_would_refuse_is_refused_by_the_dry_run_and_the_real_run_and_good_tags_pass()
    {
        using var admin = factory.AdminClient();
        var tasksBefore = await TaskCountAsync();
        var bad = new { tags = new[] { "java", "Web API" } };
        var expected = $"Tags: 'Web API' is not a valid tag: use {EntityTags.Rule}.";

        var dry = await admin.PostAsJsonAsync("/api/templates/default/tagged-template/dry-run", new { values = bad });
        var create = await admin.PostAsJsonAsync("/api/scaffolder/tasks", new { templateRef = Tagged, values = bad });
        var goodValues = new { tags = new[] { "java", "c++", "lang:go" } };
        var good = await admin.PostAsJsonAsync("/api/templates/default/tagged-template/dry-run", new { values = goodValues });

        Assert.Equal(HttpStatusCode.BadRequest, dry.StatusCode);
        Assert.Equal(expected, (await dry.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["tags"]![0]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, create.StatusCode);
        Assert.Equal(expected, (await create.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["tags"]![0]!.GetValue<string>());
        Assert.Equal(tasksBefore, await TaskCountAsync());
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        var said = (await good.Content.ReadFromJsonAsync<JsonObject>())!["log"]!.AsArray().Select(l => l!["message"]!.GetValue<string>());
        Assert.Contains("tags java,c++,lang:go", said);
    }

    [Fact]
    public async Task The_tags_in_use_are_counted_most_used_first_and_limited_to_the_kinds_asked_for()
    {
        await using var db = await factory.DbAsync();

        var components = await CatalogReads.TagsInUseAsync(db, ["component"], 1000, CancellationToken.None);
        var groups = await CatalogReads.TagsInUseAsync(db, ["Group"], 1000, CancellationToken.None);
        var top = await CatalogReads.TagsInUseAsync(db, [], 1, CancellationToken.None);

        // The demo's components: "dotnet" on most of them, "pci" on the payment gateway only.
        var dotnet = components.Single(t => t.Tag == "dotnet").Count;
        Assert.True(dotnet > 10, $"dotnet: {dotnet}");
        Assert.Contains(components, t => t.Tag == "pci" && t.Count >= 1);
        Assert.Equal(components.Select(t => t.Count).OrderDescending(), components.Select(t => t.Count));
        Assert.DoesNotContain(groups, t => t.Tag == "dotnet");
        Assert.Equal("dotnet", Assert.Single(top).Tag);
    }
}
