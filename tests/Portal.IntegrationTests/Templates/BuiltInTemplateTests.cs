using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Templates;
using YamlDotNet.RepresentationModel;
using Portal.Web.Features.Demo;
using static Portal.IntegrationTests.Templates.TemplateKit;

namespace Portal.IntegrationTests.Templates;

/// <summary>
/// The golden path, checked for real: the built-in templates are registered at first start, scaffolded through the API,
/// published with git, cloned, and what they generate is built and tested with the real .NET SDK.
/// </summary>
public sealed class BuiltInTemplateTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IAsyncLifetime
{
    private string _ana = "";

    public async Task InitializeAsync()
    {
        factory.Settings["Portal:Templates:RegisterBuiltIns"] = "true";
        factory.Settings["Portal:Jobs:WorkerCount"] = "2";
        (_, _ana) = await factory.UserWithTokenAsync("ana.silva", "ana.silva@northwind.example");
        // The built-ins arrive at start-up, so the demo organisation comes in as a location of its own.
        using var admin = factory.AdminClient();
        await using var db = await factory.DbAsync();
        if (!await db.CatalogEntities.AnyAsync(e => e.Kind == "Group"))
        {
            await RegisterAsync(admin, DemoOrganisation.WriteFiles(factory.DemoFolder));
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_built_in_templates_are_in_the_gallery_after_the_first_start()
    {
        using var ana = factory.ClientWithToken(_ana);

        var templates = await ana.GetFromJsonAsync<JsonArray>("/api/templates");

        Assert.Equal(["template:default/aspnet-service", "template:default/docs-site", "template:default/dotnet-worker"],
            templates!.Select(t => t!["entityRef"]!.GetValue<string>()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_aspnet_service_template_makes_a_repository_that_builds_and_passes_its_tests_and_is_in_the_catalog()
    {
        using var ana = factory.ClientWithToken(_ana);

        var id = await CreateTaskAsync(ana, "template:default/aspnet-service", new
        {
            name = "orders-api",
            description = "Takes orders: # & \" {} are fine",
            owner = "group:default/payments",
            system = "system:default/payments",
            lifecycle = "production",
            otlpEndpoint = "http://portal.example:5000",
        });
        var task = await WaitForAsync(ana, id, ScaffolderTaskStatus.Completed);

        var clone = await CloneAsync(task.Output!["links"]![0]!["url"]!.GetValue<string>());
        try
        {
            Assert.True(File.Exists(Path.Combine(clone, "orders-api.slnx")));
            Assert.True(File.Exists(Path.Combine(clone, "Dockerfile")));
            Assert.Contains("${{ github.", await File.ReadAllTextAsync(Path.Combine(clone, ".github", "workflows", "ci.yml")), StringComparison.Ordinal);
            var slos = new YamlStream();
            slos.Load(new StringReader(await File.ReadAllTextAsync(Path.Combine(clone, "openslo.yaml"))));
            Assert.Equal(2, slos.Documents.Count);
            Assert.Contains("http://portal.example:5000", await File.ReadAllTextAsync(Path.Combine(clone, "src", "Service", "appsettings.json")), StringComparison.Ordinal);

            var build = await Portal.IntegrationTests.Slo.Dotnet.RunAsync(clone, "build");
            Assert.True(build.ExitCode == 0, build.Output);
            var test = await Portal.IntegrationTests.Slo.Dotnet.RunAsync(clone, "test", "--no-build");
            Assert.True(test.ExitCode == 0, test.Output);
            Assert.Contains("Passed!", test.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(clone, recursive: true);
        }
        var entity = await ana.GetFromJsonAsync<JsonObject>("/api/catalog/entities/by-name/component/default/orders-api");
        Assert.Equal("group:default/payments", entity!["spec"]!["owner"]!.GetValue<string>());
        Assert.Equal("system:default/payments", entity["spec"]!["system"]!.GetValue<string>());
        Assert.Equal("production", entity["spec"]!["lifecycle"]!.GetValue<string>());
        Assert.Equal("Takes orders: # & \" {} are fine", entity["metadata"]!["description"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_worker_template_builds_and_passes_its_tests_without_a_system()
    {
        using var ana = factory.ClientWithToken(_ana);

        var id = await CreateTaskAsync(ana, "template:default/dotnet-worker", new { name = "invoice-worker", owner = "group:default/payments", system = "" });
        var task = await WaitForAsync(ana, id, ScaffolderTaskStatus.Completed);

        var clone = await CloneAsync(task.Output!["links"]![0]!["url"]!.GetValue<string>());
        try
        {
            var test = await Portal.IntegrationTests.Slo.Dotnet.RunAsync(clone, "test");
            Assert.True(test.ExitCode == 0, test.Output);
            Assert.Contains("Passed!", test.Output, StringComparison.Ordinal);
            // Its OpenSLO file (which its catalog-info.yaml points to) is a ratio SLO the portal accepts: failed runs of the job counter.
            var slo = Assert.Single(Portal.Web.Features.Slo.OpenSlo.Read(await File.ReadAllTextAsync(Path.Combine(clone, "openslo.yaml")), null));
            Assert.True(slo.Slo is not null, string.Join(" ", slo.Errors));
            Assert.Equal(("ratio", "bad", "worker.jobs.processed", "failure"),
                (slo.Slo.Indicator, slo.Slo.Ratio!.Counts, slo.Slo.Ratio.Events.Metric, slo.Slo.Ratio.Events.Attributes!["outcome"]));
        }
        finally
        {
            Directory.Delete(clone, recursive: true);
        }
        var entity = await ana.GetFromJsonAsync<JsonObject>("/api/catalog/entities/by-name/component/default/invoice-worker");
        Assert.Null(entity!["spec"]!["system"]);
        Assert.Equal("openslo.yaml", entity["metadata"]!["annotations"]!["portal.dev/openslo"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_docs_template_previews_a_mkdocs_site()
    {
        using var ana = factory.ClientWithToken(_ana);

        var response = await ana.PostAsJsonAsync("/api/templates/default/docs-site/dry-run",
            new { values = new { name = "payments-handbook", owner = "group:default/payments" } });
        var result = (await response.Content.ReadFromJsonAsync<DryRunResult>(System.Text.Json.JsonSerializerOptions.Web))!;

        Assert.Contains(result.Files, f => f.Path == "mkdocs.yml");
        Assert.Contains(result.Files, f => f.Path == "docs/index.md");
        var catalogInfo = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(result.Files.Single(f => f.Path == "catalog-info.yaml").Base64Content));
        Assert.Contains("backstage.io/techdocs-ref: dir:.", catalogInfo, StringComparison.Ordinal);
        Assert.DoesNotContain(result.Log, l => l.Level == "error");
    }
}
