using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Portal.Web.Features.Templates.Actions;

/// <summary>
/// <c>publish:github</c>: creates the repository through the GitHub REST API (<c>POST /orgs/{owner}/repos</c>, or
/// <c>/user/repos</c> when the owner is the token's user) and pushes over HTTPS with the token.
/// </summary>
public sealed class PublishGitHubAction(IOptions<TemplatesOptions> options, IHttpClientFactory httpFactory) : IScaffolderAction
{
    public string Id => "publish:github";
    public string Description => "Creates a GitHub repository with the configured token (Portal:Templates:GitHub) and pushes the workspace.";
    public bool HasSideEffects => true;
    public IReadOnlyList<ActionField> Inputs { get; } =
    [
        new("repoUrl", "string", true, "github.com?owner=org&repo=name."),
        new("description", "string", false, "The repository's description."),
        new("repoVisibility", "string", false, "private (default), internal or public."),
        new("defaultBranch", "string", false, "The branch to create (default main)."),
        new("gitCommitMessage", "string", false, "The first commit's message."),
        new("sourcePath", "string", false, "Publish only this folder of the workspace."),
    ];
    public IReadOnlyList<ActionField> Outputs { get; } =
    [
        new("remoteUrl", "string", true, "The repository's page."),
        new("repoContentsUrl", "string", true, "The clone URL the catalog reads the repository from."),
        new("commitHash", "string", true, "The first commit."),
    ];

    public async Task<JsonObject> RunAsync(ActionContext context, JsonObject input, CancellationToken cancellationToken)
    {
        var (owner, repo) = GitPublish.OwnerAndRepo(ActionInput.Text(input, "repoUrl")!);
        var github = options.Value.GitHub;
        var api = github.ApiBaseUrl.TrimEnd('/');
        using var client = httpFactory.CreateClient("github");
        if (context.DryRun)
        {
            if (string.IsNullOrWhiteSpace(github.Token))
            {
                context.Log($"Dry run: would create the GitHub repository {owner}/{repo}; {NotConfigured} Until then a real run is refused.");
                return new JsonObject { ["remoteUrl"] = $"https://github.com/{owner}/{repo}", ["repoContentsUrl"] = $"https://github.com/{owner}/{repo}.git", ["commitHash"] = "" };
            }
            // The conflict the real run would meet, found before anything is made (the preflight of a real run is this dry run).
            var existing = await SendAsync(client, HttpMethod.Get, RepoUrl(api, owner, repo), null, github.Token, cancellationToken);
            if (existing.Status == System.Net.HttpStatusCode.OK)
            {
                throw new TemplateRenderException($"The GitHub repository {owner}/{repo} already exists; choose another name.");
            }
            if (existing.Status != System.Net.HttpStatusCode.NotFound)
            {
                throw new TemplateRenderException($"GitHub did not answer whether {owner}/{repo} exists: {(int)existing.Status} {existing.Json?["message"]}");
            }
            context.Log($"Dry run: would create the GitHub repository {owner}/{repo} at {api} and push {context.Workspace.Files.Count} files.");
            var web = WebBase(api);
            return new JsonObject { ["remoteUrl"] = $"{web}/{owner}/{repo}", ["repoContentsUrl"] = $"{web}/{owner}/{repo}.git", ["commitHash"] = "" };
        }
        if (string.IsNullOrWhiteSpace(github.Token))
        {
            throw new TemplateRenderException(NotConfigured!);
        }
        var visibility = ActionInput.Text(input, "repoVisibility") ?? "private";
        var body = new JsonObject
        {
            ["name"] = repo,
            ["description"] = ActionInput.Text(input, "description"),
            ["private"] = visibility != "public",
            ["visibility"] = visibility,
            ["auto_init"] = false,
        };
        var created = await SendAsync(client, HttpMethod.Post, $"{api}/orgs/{Uri.EscapeDataString(owner)}/repos", body, github.Token, cancellationToken);
        if (created.Status == System.Net.HttpStatusCode.NotFound)
        {
            // Not an organisation: the repository goes to the token's own account only when that account is the owner.
            var me = await SendAsync(client, HttpMethod.Get, $"{api}/user", null, github.Token, cancellationToken);
            if (!string.Equals(me.Json?["login"]?.ToString(), owner, StringComparison.OrdinalIgnoreCase))
            {
                throw new TemplateRenderException($"GitHub has no organisation '{owner}' this token can create repositories in.");
            }
            created = await SendAsync(client, HttpMethod.Post, $"{api}/user/repos", body, github.Token, cancellationToken);
        }
        if (created.Status == System.Net.HttpStatusCode.UnprocessableEntity)
        {
            // It exists: a resumed task finds its own commit there; the push below refuses anyone else's repository.
            created = await SendAsync(client, HttpMethod.Get, RepoUrl(api, owner, repo), null, github.Token, cancellationToken);
        }
        if (created.Json is null || created.Json["clone_url"]?.ToString() is not { Length: > 0 } cloneUrl)
        {
            throw new TemplateRenderException($"GitHub refused to create {owner}/{repo}: {(int)created.Status} {created.Json?["message"]}");
        }
        var htmlUrl = created.Json["html_url"]?.ToString() ?? cloneUrl;
        context.Log($"Created the GitHub repository {htmlUrl}.");
        var basic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("x-access-token:" + github.Token));
        var pushed = await GitPublish.CommitAndPushAsync(context, options.Value, input, cloneUrl, basic,
            $"The GitHub repository {owner}/{repo} already exists and has commits; choose another name.", cancellationToken,
            PublishedMirror.PathFor(options.Value, context.TaskId));
        context.Log($"Pushed {context.Workspace.Files.Count} files (commit {pushed.CommitHash[..8]}).");
        return new JsonObject { ["remoteUrl"] = htmlUrl, ["repoContentsUrl"] = cloneUrl, ["commitHash"] = pushed.CommitHash };
    }

    public string? NotConfigured => string.IsNullOrWhiteSpace(options.Value.GitHub.Token)
        ? "publish:github is not configured: set Portal:Templates:GitHub:Token (and ApiBaseUrl for GitHub Enterprise)."
        : null;

    private static string RepoUrl(string api, string owner, string repo) => $"{api}/repos/{Uri.EscapeDataString(owner)}/{Uri.EscapeDataString(repo)}";

    /// <summary>The web address beside an API: api.github.com serves github.com; GitHub Enterprise serves its API under /api/v3.</summary>
    public static string WebBase(string api)
    {
        var uri = new Uri(api);
        if (uri.Host.Equals("api.github.com", StringComparison.OrdinalIgnoreCase))
        {
            return "https://github.com";
        }
        var path = uri.AbsolutePath.TrimEnd('/');
        path = path.EndsWith("/api/v3", StringComparison.OrdinalIgnoreCase) ? path[..^"/api/v3".Length] : path;
        return uri.GetLeftPart(UriPartial.Authority) + path;
    }

    /// <summary>One REST call answered with an object; a GitHub that cannot be reached is a clear step failure, not a crash.</summary>
    internal static async Task<(System.Net.HttpStatusCode Status, JsonObject? Json)> SendAsync(HttpClient client, HttpMethod method, string url, JsonObject? body,
        string token, CancellationToken cancellationToken)
    {
        var (status, json) = await SendNodeAsync(client, method, url, body, token, cancellationToken);
        return (status, json as JsonObject);
    }

    /// <summary>A GET answered with a list (e.g. the open pull requests from a branch); null for anything else.</summary>
    internal static async Task<JsonArray?> GetListAsync(HttpClient client, string url, string token, CancellationToken cancellationToken) =>
        (await SendNodeAsync(client, HttpMethod.Get, url, null, token, cancellationToken)).Json as JsonArray;

    private static async Task<(System.Net.HttpStatusCode Status, JsonNode? Json)> SendNodeAsync(HttpClient client, HttpMethod method, string url, JsonObject? body,
        string token, CancellationToken cancellationToken)
    {
        try
        {
            return await SendOnceAsync(client, method, url, body, token, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new TemplateRenderException($"GitHub at {new Uri(url).GetLeftPart(UriPartial.Authority)} could not be reached: {ex.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TemplateRenderException($"GitHub at {new Uri(url).GetLeftPart(UriPartial.Authority)} did not answer in time.");
        }
    }

    private static async Task<(System.Net.HttpStatusCode Status, JsonNode? Json)> SendOnceAsync(HttpClient client, HttpMethod method, string url, JsonObject? body,
        string token, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, url) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.github+json"));
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("portal-scaffolder", "1.0"));
        using var response = await client.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        JsonNode? json = null;
        try
        {
            json = JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
        }
        return (response.StatusCode, json);
    }
}
