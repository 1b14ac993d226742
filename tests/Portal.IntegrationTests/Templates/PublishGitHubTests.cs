using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Portal.TestSupport;
using Portal.Web.Features.Templates;
using Portal.Web.Infrastructure.Git;
using static Portal.IntegrationTests.Templates.TemplateKit;

namespace Portal.IntegrationTests.Templates;

/// <summary>
/// publish:github against a fake GitHub REST API on loopback (GitHub itself is not reachable here): the repository is
/// created with the token, the push goes to the clone URL GitHub answers with, and the token never reaches the log.
/// </summary>
#pragma warning disable CA1001 // the fake server is disposed in DisposeAsync (xUnit's IAsyncLifetime)
public sealed class PublishGitHubTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IAsyncLifetime
{
    private const string Token = "ghp_fakeTokenForTheLoopbackGitHub0001";
    private FakeGitHub? _github;

    public async Task InitializeAsync()
    {
        _github = new FakeGitHub(Path.Combine(factory.TemplatesFolder, "github"));
        factory.Settings["Portal:Templates:GitHub:ApiBaseUrl"] = _github.Url.TrimEnd('/');
        factory.Settings["Portal:Templates:GitHub:Token"] = Token;
        await factory.SeedDemoAsync();
    }

    public async Task DisposeAsync()
    {
        if (_github is not null)
        {
            await _github.DisposeAsync();
        }
    }

    [Fact]
    public async Task Publish_github_with_a_fake_github_api_creates_the_repository_with_the_token_and_pushes_to_its_clone_url()
    {
        var folder = Path.Combine(factory.TemplatesFolder, "gh-template");
        Directory.CreateDirectory(Path.Combine(folder, "skeleton"));
        await File.WriteAllTextAsync(Path.Combine(folder, "skeleton", "README.md"), "# ${{ values.name }}\n");
        await File.WriteAllTextAsync(Path.Combine(folder, "template.yaml"), """
            apiVersion: scaffolder.backstage.io/v1beta3
            kind: Template
            metadata:
              name: gh-template
            spec:
              owner: group:default/platform
              type: service
              parameters:
                properties:
                  name: {type: string}
              steps:
                - id: fetch
                  action: fetch:template
                  input:
                    url: ./skeleton
                    values:
                      name: ${{ parameters.name }}
                - id: publish
                  action: publish:github
                  input:
                    repoUrl: github.com?owner=acme&repo=${{ parameters.name }}
                    description: The ${{ parameters.name }} service
              output:
                links:
                  - title: Repository
                    url: ${{ steps['publish'].output.remoteUrl }}
            """);
        using var admin = factory.AdminClient();
        await RegisterAsync(admin, Path.Combine(folder, "template.yaml"));

        var id = await CreateTaskAsync(admin, "template:default/gh-template", new { name = "gh-service" });
        var task = await WaitForAsync(admin, id, ScaffolderTaskStatus.Completed);

        var request = Assert.Single(_github!.Requests);
        Assert.Equal("POST /orgs/acme/repos", request.Line);
        Assert.Equal($"Bearer {Token}", request.Authorization);
        Assert.Equal("gh-service", request.Body["name"]!.GetValue<string>());
        Assert.Equal("The gh-service service", request.Body["description"]!.GetValue<string>());
        Assert.True(request.Body["private"]!.GetValue<bool>());
        Assert.Equal("https://github.example/acme/gh-service", task.Output!["links"]![0]!["url"]!.GetValue<string>());
        var readme = await GitCli.RunAsync(_github.Root, CancellationToken.None, "--git-dir", Path.Combine(_github.Root, "acme", "gh-service.git"), "show", "main:README.md");
        Assert.Equal("# gh-service\n", readme);
        Assert.DoesNotContain(task.Log, l => l.Message.Contains(Token, StringComparison.Ordinal));
    }

    private sealed record GitHubRequest(string Line, string? Authorization, JsonObject Body);

    /// <summary>Answers POST /orgs/{org}/repos like GitHub: creates a (local, bare) repository and returns its clone URL.</summary>
    private sealed class FakeGitHub(string root) : LoopbackServer
    {
        public string Root { get; } = Directory.CreateDirectory(root).FullName;
        public ConcurrentQueue<GitHubRequest> Requests { get; } = new();

        protected override async Task HandleAsync(HttpListenerContext context)
        {
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = JsonNode.Parse(await reader.ReadToEndAsync()) as JsonObject ?? [];
            var path = context.Request.Url!.AbsolutePath;
            Requests.Enqueue(new GitHubRequest($"{context.Request.HttpMethod} {path}", context.Request.Headers["Authorization"], body));
            var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
            context.Response.ContentType = "application/json";
            if (context.Request.HttpMethod != "POST" || parts is not ["orgs", var org, "repos"])
            {
                context.Response.StatusCode = 404;
                await context.Response.OutputStream.WriteAsync("""{"message":"Not Found"}"""u8.ToArray());
                return;
            }
            var name = body["name"]!.GetValue<string>();
            var bare = Path.Combine(Root, org, name + ".git");
            Directory.CreateDirectory(bare);
            await GitCli.RunAsync(bare, CancellationToken.None, "init", "-q", "--bare", "-b", "main");
            context.Response.StatusCode = 201;
            var answer = new JsonObject { ["clone_url"] = new Uri(bare).AbsoluteUri, ["html_url"] = $"https://github.example/{org}/{name}" };
            await context.Response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes(answer.ToJsonString()));
        }
    }
}
