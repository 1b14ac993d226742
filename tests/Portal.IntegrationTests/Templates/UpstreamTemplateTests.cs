using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.FileSystemGlobbing;
using Portal.TestSupport;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Templates;
using static Portal.IntegrationTests.Templates.TemplateKit;

namespace Portal.IntegrationTests.Templates;

/// <summary>
/// Backstage's own public example templates (backstage/software-templates and create-app's example; see
/// TestData/README.md), registered unchanged and dry-run through the API with the values a person would type: every
/// step succeeds, no expression is left unrendered, every catalog-info.yaml is a valid descriptor, and executable
/// files stay executable.
/// </summary>
public sealed class UpstreamTemplateTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IAsyncLifetime
{
    public static readonly string TestData = Path.Combine(PortalProcess.RepositoryRoot(), "tests", "Portal.IntegrationTests", "Templates", "TestData");

    public async Task InitializeAsync()
    {
        await factory.SeedDemoAsync();
        using var admin = factory.AdminClient();
        await using var db = await factory.DbAsync();
        foreach (var (name, (folder, _, _)) in Cases)
        {
            if (!await db.CatalogEntities.AnyAsync(e => e.EntityRef == $"template:default/{name}"))
            {
                await RegisterAsync(admin, Path.Combine(TestData, folder, "template.yaml"));
            }
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    internal static readonly Dictionary<string, (string Folder, object Values, string[] Executable)> Cases = new(StringComparer.Ordinal)
    {
        ["springboot-template"] = ("software-templates/springboot-grpc-template",
            new
            {
                component_id = "greeter-svc", java_package_name = "io.acme.greeter", description = "Says hello over gRPC", owner = "group:default/payments",
                repoUrl = "github.com?owner=acme&repo=greeter-svc",
            },
            ["greeter-svc.sh"]),
        ["react-ssr-template"] = ("software-templates/react-ssr-template",
            new { component_id = "storefront-ssr", description = "The storefront", owner = "group:default/payments", repoUrl = "github.com?owner=acme&repo=storefront-ssr" },
            []),
        ["docs-template"] = ("software-templates/docs-template",
            new { name = "payments-handbook", description = "How the payments team works", owner = "group:default/payments", repoUrl = "github.com?owner=acme&repo=payments-handbook" },
            []),
        ["create-react-app-template"] = ("software-templates/create-react-app",
            new { component_id = "admin-console", description = "Back-office console", owner = "group:default/payments", repoUrl = "github.com?owner=acme&repo=admin-console" },
            []),
        ["example-nodejs-template"] = ("create-app/template",
            new { name = "hello-node", repoUrl = "github.com?owner=acme&repo=hello-node" },
            []),
    };

    public static TheoryData<string> Templates => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(Templates))]
    public async Task An_upstream_Backstage_template_registered_unchanged_dry_runs_with_every_step_succeeding(string name)
    {
        var (folder, values, executable) = Cases[name];
        using var admin = factory.AdminClient();

        var response = await admin.PostAsJsonAsync($"/api/templates/default/{name}/dry-run", new { values });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
        var result = JsonNode.Parse(body)!;

        var log = string.Join("\n", result["log"]!.AsArray().Select(l => $"[{l!["stepId"]}] {l["level"]}: {l["message"]}"));
        Assert.DoesNotContain("\"error\"", result["log"]!.ToJsonString(), StringComparison.Ordinal);
        var steps = result["steps"]!.AsArray();
        Assert.Equal(3, steps.Count);
        Assert.All(steps, s => Assert.True(s!["status"]!.GetValue<string>() == StepStatus.Completed, $"{s!["id"]} {s["status"]}\n{log}"));

        var template = DescriptorYaml.Parse(await File.ReadAllTextAsync(Path.Combine(TestData, folder, "template.yaml")))[0].Entity!;
        var verbatim = new Matcher(StringComparison.Ordinal);
        var globs = template["spec"]!["steps"]!.AsArray().SelectMany(s => s!["input"]?["copyWithoutRender"]?.AsArray() ?? []).Select(g => g!.GetValue<string>()).ToList();
        verbatim.AddIncludePatterns(globs);
        var files = result["files"]!.AsArray().Select(f => (Path: f!["path"]!.GetValue<string>(), Content: Convert.FromBase64String(f["base64Content"]!.GetValue<string>()),
            Executable: f["executable"]?.GetValue<bool>() == true)).ToList();
        var skeletonFiles = Directory.EnumerateFiles(Path.Combine(TestData, folder), "*", SearchOption.AllDirectories)
            .Count(f => Path.GetFileName(f) != "template.yaml");
        Assert.Equal(skeletonFiles, files.Count);

        foreach (var file in files.Where(f => !(globs.Count > 0 && verbatim.Match(f.Path).HasMatches) && !IsBinary(f.Content)))
        {
            var text = Encoding.UTF8.GetString(file.Content);
            Assert.False(text.Contains("${{", StringComparison.Ordinal), $"{file.Path} still holds an expression:\n{text}");
            Assert.DoesNotContain("{%", text, StringComparison.Ordinal);
            Assert.DoesNotContain("undefined", text, StringComparison.Ordinal);
        }
        Assert.DoesNotContain(files, f => f.Path.Contains("${{", StringComparison.Ordinal));

        var descriptors = files.Where(f => Path.GetFileName(f.Path) == "catalog-info.yaml").ToList();
        Assert.NotEmpty(descriptors);
        foreach (var descriptor in descriptors)
        {
            var documents = DescriptorYaml.Parse(Encoding.UTF8.GetString(descriptor.Content));
            var entity = Assert.Single(documents).Entity;
            Assert.NotNull(entity);
            Assert.Empty(EntityValidator.Validate(entity));
        }
        var registered = result["output"]!["links"]![1]!["entityRef"]!.GetValue<string>();
        Assert.StartsWith("component:default/", registered, StringComparison.Ordinal);

        Assert.Equal(executable.Order(StringComparer.Ordinal), files.Where(f => f.Executable).Select(f => f.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_spring_boot_skeleton_s_script_keeps_its_executable_bit_and_the_descriptor_gets_the_project_slug()
    {
        // The test data itself: git records the script as 100755, and the checkout made it executable.
        Assert.True(Workspace.HasExecutableBit(Path.Combine(TestData, "software-templates/springboot-grpc-template/skeleton/${{values.artifact_id}}.sh")));
        using var admin = factory.AdminClient();

        var result = (await (await admin.PostAsJsonAsync("/api/templates/default/springboot-template/dry-run", new { values = Cases["springboot-template"].Values }))
            .Content.ReadFromJsonAsync<JsonObject>())!;

        var files = result["files"]!.AsArray().ToDictionary(f => f!["path"]!.GetValue<string>(), f => f!);
        Assert.True(files["greeter-svc.sh"]["executable"]!.GetValue<bool>());
        var descriptor = Encoding.UTF8.GetString(Convert.FromBase64String(files["catalog-info.yaml"]["base64Content"]!.GetValue<string>()));
        Assert.Equal("""
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata:
              name: "greeter-svc"
              description: "Says hello over gRPC"
              annotations:
                github.com/project-slug: acme/greeter-svc
                backstage.io/techdocs-ref: dir:.
            spec:
              type: service
              lifecycle: experimental
              owner: "group:default/payments"

            """.Replace("\r\n", "\n", StringComparison.Ordinal), descriptor);
        Assert.Contains("server.port=8080", Encoding.UTF8.GetString(Convert.FromBase64String(
            files["src/main/resources/application.properties"]["base64Content"]!.GetValue<string>())), StringComparison.Ordinal);
        Assert.Contains("src/main/java/com/example/io.acme.greeter/Application.java", files.Keys);
    }

    [Fact]
    public async Task A_real_run_is_refused_before_the_task_exists_while_publish_github_has_no_token_and_the_dry_run_says_so()
    {
        using var admin = factory.AdminClient();
        var values = new
        {
            component_id = "unconfigured-svc", java_package_name = "io.acme.x", description = "x", owner = "group:default/payments",
            repoUrl = "github.com?owner=acme&repo=unconfigured-svc",
        };
        await using var db = await factory.DbAsync();
        var tasksBefore = await db.ScaffolderTasks.CountAsync();

        var dry = (await (await admin.PostAsJsonAsync("/api/templates/default/springboot-template/dry-run", new { values })).Content.ReadFromJsonAsync<JsonObject>())!;
        var create = await admin.PostAsJsonAsync("/api/scaffolder/tasks", new { templateRef = "template:default/springboot-template", values });

        Assert.Contains(dry["log"]!.AsArray(), l => l!["stepId"]!.GetValue<string>() == "publish"
            && l["message"]!.GetValue<string>().Contains("publish:github is not configured: set Portal:Templates:GitHub:Token", StringComparison.Ordinal));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, create.StatusCode);
        Assert.Equal("Step 'Publish' cannot run here: publish:github is not configured: set Portal:Templates:GitHub:Token (and ApiBaseUrl for GitHub Enterprise).",
            (await create.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["template"]![0]!.GetValue<string>());
        Assert.Equal(tasksBefore, await db.ScaffolderTasks.CountAsync());
    }

    private static bool IsBinary(byte[] content) => Portal.Web.Features.Templates.Actions.Skeleton.IsBinary(content);
}
