using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Identity;
using Portal.Web.Features.Templates;
using Portal.Web.Features.Templates.Actions;

namespace Portal.Tests.Templates;

public sealed class TemplateRenderingTests
{
    private static readonly string GoldenFolder = Path.Combine(AppContext.BaseDirectory, "Templates", "Golden");

    private static Dictionary<string, object?> Values(string json) => new(StringComparer.Ordinal) { ["values"] = JsonNode.Parse(json) };

    [Fact]
    public void Expressions_with_the_dollar_render_and_plain_mustaches_stay_literal()
    {
        var text = TemplateText.Render("name=${{ values.name }} gh=${{ github.sha }} {{ keep }} ${x}", Values("""{"name":"orders"}"""), "t");

        Assert.Equal("name=orders gh= {{ keep }} ${x}", text);
    }

    [Fact]
    public void Nunjucks_filter_calls_and_backstage_filters_work()
    {
        var model = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["parameters"] = JsonNode.Parse("""{"name":"Orders-API","owner":"group:default/payments","repoUrl":"github.com?owner=acme&repo=orders"}"""),
        };

        Assert.Equal("orders_api", TemplateText.Render("${{ parameters.name | lower | replace('-', '_') }}", model, "t"));
        Assert.Equal("payments", TemplateText.Render("${{ parameters.owner | parseEntityRef | pick('name') }}", model, "t"));
        Assert.Equal("acme/orders", TemplateText.Render("${{ parameters.repoUrl | projectSlug }}", model, "t"));
        Assert.Equal("github.com", TemplateText.Render("${{ parameters.repoUrl | parseRepoUrl | pick('host') }}", model, "t"));
    }

    [Fact]
    public void A_whole_expression_keeps_its_type_and_step_outputs_are_reachable()
    {
        var model = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["parameters"] = JsonNode.Parse("""{"features":["a","b"],"flag":true,"count":3}"""),
            ["steps"] = JsonNode.Parse("""{"publish":{"output":{"remoteUrl":"file:///r.git"}}}"""),
        };

        Assert.Equal("""["a","b"]""", TemplateText.Evaluate("${{ parameters.features }}", model, "t")!.ToJsonString());
        Assert.Equal("true", TemplateText.Evaluate("${{ parameters.flag }}", model, "t")!.ToJsonString());
        Assert.Equal("3", TemplateText.Evaluate("${{ parameters.count }}", model, "t")!.ToJsonString());
        Assert.Equal("file:///r.git", TemplateText.Evaluate("${{ steps['publish'].output.remoteUrl }}", model, "t")!.GetValue<string>());
        Assert.Equal("url: file:///r.git", TemplateText.Evaluate("url: ${{ steps['publish'].output.remoteUrl }}", model, "t")!.GetValue<string>());
    }

    [Fact]
    public void Values_are_data_not_template_so_injected_syntax_is_not_evaluated()
    {
        var model = Values("""{"name":"${{ values.secret }}{% include '/etc/passwd' %}","secret":"s3cret"}""");

        var text = TemplateText.Render("${{ values.name }}", model, "t");

        Assert.Equal("${{ values.secret }}{% include '/etc/passwd' %}", text);
    }

    [Fact]
    public void Templates_cannot_include_files_or_reach_dotnet_members()
    {
        var include = Assert.Throws<TemplateRenderException>(() =>
            TemplateText.Render("{% include '/etc/passwd' %}", Values("{}"), "the file 'x'"));
        Assert.Contains("the file 'x'", include.Message, StringComparison.Ordinal);

        // Strings expose no .NET members (no GetType, no Length as a property path into the runtime).
        Assert.Equal("", TemplateText.Render("${{ values.name.GetType }}", Values("""{"name":"x"}"""), "t"));
    }

    [Fact]
    public void A_runaway_loop_is_stopped_by_the_step_limit()
    {
        var error = Assert.Throws<TemplateRenderException>(() => TemplateText.Render(
            "{% for a in range(100000) %}{% for b in range(100000) %}x{% endfor %}{% endfor %}", Values("{}"), "t"));
        Assert.True(error.LimitExceeded);
    }

    [Fact]
    public void An_unclosed_expression_is_reported_with_its_line()
    {
        var error = Assert.Throws<TemplateRenderException>(() => TemplateText.Render("a\nb ${{ values.name", Values("{}"), "the file 'README.md'"));

        Assert.Equal("the file 'README.md', line 2, column 3: an expression opened with ${{ is not closed with }}, in ${{ values.name", error.Message);
    }

    [Theory]
    [InlineData("../../etc/x")]
    [InlineData("/etc/passwd")]
    [InlineData("a/../../b")]
    [InlineData("C:/Windows/x")]
    [InlineData("..\\x")]
    public void Paths_that_leave_the_workspace_are_refused(string path)
    {
        var error = Assert.Throws<TemplateSecurityException>(() => Workspace.SafePath(path, "the file 'f'"));
        Assert.Contains("the file 'f'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Safe_paths_are_normalised() =>
        Assert.Equal("src/app/Program.cs", Workspace.SafePath("./src//app/./Program.cs", "x"));

    [Fact]
    public async Task A_backstage_v1beta3_template_renders_exactly_the_golden_tree()
    {
        var runner = Runner();
        var template = Load(Path.Combine(GoldenFolder, "node-service", "template.yaml"));
        var values = JsonNode.Parse("""
            {"name":"orders-api","owner":"group:default/payments","features":["metrics","docs"],"withDocs":true,
             "repoUrl":"github.com?owner=acme&repo=orders-api"}
            """)!.AsObject();

        Assert.Empty(TemplateParameters.Validate(template.Pages, values));
        var result = await runner.DryRunAsync(template, values, new JsonObject(), AuditActor.System, new HashSet<string>(), CancellationToken.None);

        Assert.DoesNotContain(result.Log, l => l.Level == "error");
        var expectedRoot = Path.Combine(GoldenFolder, "expected");
        var expected = Directory.EnumerateFiles(expectedRoot, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(expectedRoot, f).Replace('\\', '/'), File.ReadAllBytes);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), result.Files.Select(f => f.Path).Order(StringComparer.Ordinal));
        foreach (var file in result.Files)
        {
            Assert.True(expected[file.Path].AsSpan().SequenceEqual(Convert.FromBase64String(file.Base64Content)),
                $"{file.Path} differs:\n{System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(file.Base64Content))}");
        }
        Assert.Contains(result.Log, l => l.StepId == "log" && l.Message == "Creating ORDERS-API for payments");
        Assert.Contains(result.Log, l => l.Message.Contains("Skipped {% if values.withLicense %}LICENSE{% endif %}", StringComparison.Ordinal));
        Assert.Equal("https://github.com/acme/orders-api", result.Output!["links"]![0]!["url"]!.GetValue<string>());
        Assert.Equal("PAYMENTS", result.Output["text"]![0]!["content"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_false_if_skips_the_step()
    {
        var template = Load(Path.Combine(GoldenFolder, "node-service", "template.yaml"));
        var values = JsonNode.Parse("""{"name":"orders-api","owner":"group:default/payments","withDocs":false,"repoUrl":"github.com?owner=acme&repo=orders-api"}""")!.AsObject();

        var result = await Runner().DryRunAsync(template, values, new JsonObject(), AuditActor.System, new HashSet<string>(), CancellationToken.None);

        Assert.Equal(StepStatus.Skipped, result.Steps.Single(s => s.Id == "fetch-docs").Status);
        Assert.DoesNotContain(result.Files, f => f.Path.StartsWith("orders-api/docs/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_file_name_that_renders_to_a_traversal_is_rejected_and_nothing_is_produced()
    {
        using var folder = new TempFolder();
        var template = WriteTemplate(folder.Path, skeleton =>
            File.WriteAllText(Path.Combine(skeleton, "${{ values.name }}"), "x"));
        var values = new JsonObject { ["name"] = "../../etc/x" };

        var result = await Runner().DryRunAsync(template, values, new JsonObject(), AuditActor.System, new HashSet<string>(), CancellationToken.None);

        var error = Assert.Single(result.Log, l => l.Level == "error");
        Assert.Contains("'${{ values.name }}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("leaves the workspace", error.Message, StringComparison.Ordinal);
        Assert.Empty(result.Files);
    }

    [Fact]
    public async Task A_symlink_in_the_skeleton_is_rejected_naming_the_file()
    {
        using var folder = new TempFolder();
        var template = WriteTemplate(folder.Path, skeleton =>
        {
            File.WriteAllText(Path.Combine(skeleton, "ok.txt"), "fine");
            File.CreateSymbolicLink(Path.Combine(skeleton, "passwd"), "/etc/passwd");
        });

        var result = await Runner().DryRunAsync(template, new JsonObject { ["name"] = "x" }, new JsonObject(), AuditActor.System,
            new HashSet<string>(), CancellationToken.None);

        var error = Assert.Single(result.Log, l => l.Level == "error");
        Assert.Equal("The skeleton file 'passwd' is a symbolic link; links are not allowed in skeletons.", error.Message);
        Assert.Empty(result.Files);
    }

    [Fact]
    public async Task A_skeleton_folder_that_is_itself_a_symlink_is_rejected()
    {
        using var folder = new TempFolder();
        var template = WriteTemplate(folder.Path, _ => { }, url: "./linked");
        Directory.CreateSymbolicLink(Path.Combine(folder.Path, "linked"), "/etc");

        var result = await Runner().DryRunAsync(template, new JsonObject { ["name"] = "x" }, new JsonObject(), AuditActor.System,
            new HashSet<string>(), CancellationToken.None);

        Assert.Equal("The skeleton path 'linked' is a symbolic link; links are not allowed in skeletons.", Assert.Single(result.Log, l => l.Level == "error").Message);
        Assert.Empty(result.Files);
    }

    [Theory]
    [InlineData("/etc")]
    [InlineData("../../..")]
    public async Task A_target_path_outside_the_workspace_is_rejected(string targetPath)
    {
        using var folder = new TempFolder();
        var template = WriteTemplate(folder.Path, skeleton => File.WriteAllText(Path.Combine(skeleton, "a.txt"), "a"), targetPath);

        var result = await Runner().DryRunAsync(template, new JsonObject { ["name"] = "x" }, new JsonObject(), AuditActor.System,
            new HashSet<string>(), CancellationToken.None);

        Assert.Contains(result.Log, l => l.Level == "error" && l.Message.Contains(targetPath, StringComparison.Ordinal));
        Assert.Empty(result.Files);
    }

    [Fact]
    public async Task A_skeleton_url_outside_the_template_folder_or_over_the_network_is_refused()
    {
        using var folder = new TempFolder();
        foreach (var url in new[] { "../../../../etc", "https://example.com/skeleton.zip" })
        {
            var template = WriteTemplate(folder.Path, _ => { }, url: url);

            var result = await Runner().DryRunAsync(template, new JsonObject { ["name"] = "x" }, new JsonObject(), AuditActor.System,
                new HashSet<string>(), CancellationToken.None);

            var error = Assert.Single(result.Log, l => l.Level == "error");
            Assert.Contains(url, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Secrets_are_masked_in_the_log()
    {
        using var folder = new TempFolder();
        var template = WriteTemplate(folder.Path, _ => { }, extraStep: """
                - id: say
                  action: debug:log
                  input:
                    message: 'token is ${{ parameters.token }}'
            """, skipFetch: true);

        var result = await Runner().DryRunAsync(template, new JsonObject { ["name"] = "x", ["token"] = "hunter2-secret" }, new JsonObject(),
            AuditActor.System, new HashSet<string> { "token" }, CancellationToken.None);

        Assert.Contains(result.Log, l => l.Message == "token is ********");
        Assert.DoesNotContain(result.Log, l => l.Message.Contains("hunter2", StringComparison.Ordinal));
    }

    internal static TemplateRunner Runner()
    {
        var options = Options.Create(new TemplatesOptions { RepositoryRoot = "/nonexistent/repos" });
        var http = new ServiceCollection().AddHttpClient().BuildServiceProvider().GetRequiredService<IHttpClientFactory>();
        return new TemplateRunner([new FetchTemplateAction(), new FetchPlainAction(), new DebugLogAction(), new PublishGitAction(options),
            new PublishGitHubAction(options, http)]);
    }

    internal static TemplateDefinition Load(string file) =>
        TemplateDefinition.FromEntity(DescriptorYaml.Parse(File.ReadAllText(file))[0].Entity!, file);

    private static TemplateDefinition WriteTemplate(string root, Action<string> fillSkeleton, string targetPath = ".", string url = "./skeleton",
        string extraStep = "", bool skipFetch = false)
    {
        var skeleton = Path.Combine(root, "skeleton");
        Directory.CreateDirectory(skeleton);
        fillSkeleton(skeleton);
        var fetch = skipFetch ? "" : $$$"""
                - id: fetch
                  action: fetch:template
                  input:
                    url: '{{{url}}}'
                    targetPath: '{{{targetPath}}}'
                    values:
                      name: ${{ parameters.name }}
            """;
        var yaml = $$$"""
            apiVersion: scaffolder.backstage.io/v1beta3
            kind: Template
            metadata:
              name: t
            spec:
              owner: group:default/platform
              type: service
              parameters:
                properties:
                  name: {type: string}
                  token: {type: string, ui:widget: password}
              steps:
            {{{fetch}}}
            {{{extraStep}}}
            """;
        var file = Path.Combine(root, "template.yaml");
        File.WriteAllText(file, yaml);
        return Load(file);
    }

    private sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("portal-template-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
