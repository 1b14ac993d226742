using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Portal.Web.Infrastructure.Git;

namespace Portal.Web.Features.Templates.Actions;

/// <summary>Commits a workspace as a repository's first commit and pushes it: the part every git publisher shares.</summary>
public static partial class GitPublish
{
    public sealed record Pushed(string CommitHash);

    /// <summary>The trailer that marks a commit as this task's, so a resumed task knows its push already happened.</summary>
    public static string TaskTrailer(Guid taskId) => $"Portal-Task: {taskId}";

    public static (string Owner, string Repo) OwnerAndRepo(string repoUrl)
    {
        var parts = TemplateFilters.ParseRepoUrl(repoUrl);
        var owner = (parts["owner"] ?? parts["organization"]) as string
            ?? throw new TemplateRenderException($"The repository URL '{repoUrl}' has no owner.");
        var repo = (string)parts["repo"]!;
        foreach (var (what, value) in new[] { ("owner", owner), ("repo", repo) })
        {
            if (!SafeName().IsMatch(value) || value.EndsWith(".git", StringComparison.OrdinalIgnoreCase))
            {
                throw new TemplateRenderException($"The repository {what} '{value}' may only use letters, digits, '.', '-' and '_' (not starting with '.', not ending in .git).");
            }
        }
        return (owner, repo);
    }

    public static string Branch(JsonObject input)
    {
        var branch = ActionInput.Text(input, "defaultBranch") ?? "main";
        return SafeName().IsMatch(branch) ? branch : throw new TemplateRenderException($"The branch name '{branch}' is not allowed.");
    }

    /// <summary>
    /// Pushes the workspace as the first commit of <paramref name="remote"/>'s branch. Idempotent: when the branch
    /// already holds this task's commit (a resumed task) that commit is returned; any other content is never overwritten.
    /// </summary>
    public static async Task<Pushed> CommitAndPushAsync(ActionContext context, TemplatesOptions options, JsonObject input, string remote,
        string? authorizationHeader, string alreadyExists, CancellationToken cancellationToken)
    {
        var branch = Branch(input);
        var message = (ActionInput.Text(input, "gitCommitMessage") ?? "Initial commit") + "\n\n" + TaskTrailer(context.TaskId) + "\n";
        // The credential header goes through git's environment, never its command line.
        var environment = authorizationHeader is null ? null : new Dictionary<string, string>
        {
            ["GIT_CONFIG_COUNT"] = "1",
            ["GIT_CONFIG_KEY_0"] = "http.extraHeader",
            ["GIT_CONFIG_VALUE_0"] = "Authorization: " + authorizationHeader,
        };
        var folder = Path.Combine(options.ResolveWorkDirectory(), "publish", context.TaskId.ToString("N"));
        // Held while in use: what a crash leaves here (the workspace, values included) is removed at the next start.
        using var held = Infrastructure.Files.ScratchFolder.Hold(folder);
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
        Directory.CreateDirectory(folder);
        try
        {
            await GitCli.RunAsync(folder, cancellationToken, "init", "-q", "-b", branch);
            if ((await GitCli.RunAsync(folder, environment, cancellationToken, "ls-remote", remote, $"refs/heads/{branch}")).Trim().Length > 0)
            {
                await GitCli.RunAsync(folder, environment, cancellationToken, "fetch", "-q", remote, branch);
                var head = await GitCli.RunAsync(folder, cancellationToken, "log", "-1", "--format=%H%n%B", "FETCH_HEAD");
                if (head.Contains(TaskTrailer(context.TaskId), StringComparison.Ordinal))
                {
                    var hash = head[..head.IndexOf('\n', StringComparison.Ordinal)];
                    context.Log($"The repository already holds this task's commit {hash[..8]}; not pushed again.");
                    return new Pushed(hash);
                }
                throw new TemplateRenderException(alreadyExists);
            }
            context.Workspace.WriteTo(folder, ActionInput.Text(input, "sourcePath"));
            var name = ActionInput.Text(input, "gitAuthorName") ?? options.AuthorName;
            var email = ActionInput.Text(input, "gitAuthorEmail") ?? options.AuthorEmail;
            await GitCli.RunAsync(folder, cancellationToken, "add", "--all");
            await GitCli.RunAsync(folder, cancellationToken, "-c", $"user.name={name}", "-c", $"user.email={email}", "-c", "commit.gpgsign=false",
                "commit", "-q", "-m", message);
            var pushedHash = (await GitCli.RunAsync(folder, cancellationToken, "rev-parse", "HEAD")).Trim();
            await GitCli.RunAsync(folder, environment, cancellationToken, "push", "-q", remote, $"{branch}:refs/heads/{branch}");
            return new Pushed(pushedHash);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9._-]{0,99}$")]
    private static partial Regex SafeName();
}

/// <summary>
/// <c>publish:git</c>, the default publisher: a bare repository under the configured root, created and pushed to;
/// its URL is clonable with <c>git clone</c>.
/// </summary>
public sealed class PublishGitAction(IOptions<TemplatesOptions> options) : IScaffolderAction
{
    public string Id => "publish:git";
    public string Description => "Creates a git repository on the portal's git server (a bare repository) and pushes the workspace as its first commit.";
    public bool HasSideEffects => true;
    public IReadOnlyList<ActionField> Inputs { get; } =
    [
        new("repoUrl", "string", true, "host?owner=name&repo=name; owner and repo name the repository."),
        new("description", "string", false, "The repository's description."),
        new("defaultBranch", "string", false, "The branch to create (default main)."),
        new("gitCommitMessage", "string", false, "The first commit's message (default 'Initial commit')."),
        new("gitAuthorName", "string", false, "The commit's author (default from Portal:Templates:AuthorName)."),
        new("gitAuthorEmail", "string", false, "The author's email."),
        new("sourcePath", "string", false, "Publish only this folder of the workspace."),
    ];
    public IReadOnlyList<ActionField> Outputs { get; } =
    [
        new("remoteUrl", "string", true, "The repository's URL (git clone it)."),
        new("repoContentsUrl", "string", true, "The URL the catalog reads the repository from."),
        new("commitHash", "string", true, "The first commit."),
    ];

    public async Task<JsonObject> RunAsync(ActionContext context, JsonObject input, CancellationToken cancellationToken)
    {
        var (owner, repo) = GitPublish.OwnerAndRepo(ActionInput.Text(input, "repoUrl")!);
        var path = Path.Combine(options.Value.ResolveRepositoryRoot(), owner, repo + ".git");
        var url = new Uri(path).AbsoluteUri;
        if (context.DryRun)
        {
            context.Log($"Dry run: would create {url} and push {context.Workspace.Files.Count} files.");
            return Output(url, "0000000000000000000000000000000000000000");
        }
        var branch = GitPublish.Branch(input);
        var alreadyExists = $"A repository {owner}/{repo} already exists; choose another name.";
        if (!Directory.Exists(path))
        {
            Directory.CreateDirectory(path);
            await GitCli.RunAsync(path, cancellationToken, "init", "-q", "--bare", "-b", branch);
        }
        else if (!File.Exists(Path.Combine(path, "HEAD")))
        {
            throw new TemplateRenderException(alreadyExists);
        }
        // An existing bare repository is fine while it is empty (a run that stopped after creating it); the push
        // below refuses one with someone else's commits and recognises this task's own.
        if (ActionInput.Text(input, "description") is { } description)
        {
            await File.WriteAllTextAsync(Path.Combine(path, "description"), description.ReplaceLineEndings(" ") + "\n", cancellationToken);
        }
        var pushed = await GitPublish.CommitAndPushAsync(context, options.Value, input, new Uri(path).AbsoluteUri, null, alreadyExists, cancellationToken);
        context.Log($"Created {url} and pushed {context.Workspace.Files.Count} files (commit {pushed.CommitHash[..8]}).");
        return Output(url, pushed.CommitHash);
    }

    private static JsonObject Output(string url, string hash) => new()
    {
        ["remoteUrl"] = url,
        ["repoContentsUrl"] = url,
        ["commitHash"] = hash,
    };
}

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
        if (context.DryRun)
        {
            context.Log($"Dry run: would create the GitHub repository {owner}/{repo} and push {context.Workspace.Files.Count} files.");
            return new JsonObject { ["remoteUrl"] = $"https://github.com/{owner}/{repo}", ["repoContentsUrl"] = $"https://github.com/{owner}/{repo}.git", ["commitHash"] = "" };
        }
        if (string.IsNullOrWhiteSpace(github.Token))
        {
            throw new TemplateRenderException("publish:github needs a token: set Portal:Templates:GitHub:Token.");
        }
        using var client = httpFactory.CreateClient("github");
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
            created = await SendAsync(client, HttpMethod.Get, $"{api}/repos/{Uri.EscapeDataString(owner)}/{Uri.EscapeDataString(repo)}", null, github.Token, cancellationToken);
        }
        if (created.Json is null || created.Json["clone_url"]?.ToString() is not { Length: > 0 } cloneUrl)
        {
            throw new TemplateRenderException($"GitHub refused to create {owner}/{repo}: {(int)created.Status} {created.Json?["message"]}");
        }
        var htmlUrl = created.Json["html_url"]?.ToString() ?? cloneUrl;
        context.Log($"Created the GitHub repository {htmlUrl}.");
        var basic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("x-access-token:" + github.Token));
        var pushed = await GitPublish.CommitAndPushAsync(context, options.Value, input, cloneUrl, basic,
            $"The GitHub repository {owner}/{repo} already exists and has commits; choose another name.", cancellationToken);
        context.Log($"Pushed {context.Workspace.Files.Count} files (commit {pushed.CommitHash[..8]}).");
        return new JsonObject { ["remoteUrl"] = htmlUrl, ["repoContentsUrl"] = cloneUrl, ["commitHash"] = pushed.CommitHash };
    }

    private static async Task<(System.Net.HttpStatusCode Status, JsonObject? Json)> SendAsync(HttpClient client, HttpMethod method, string url, JsonObject? body,
        string token, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, url) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.github+json"));
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("portal-scaffolder", "1.0"));
        using var response = await client.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        JsonObject? json = null;
        try
        {
            json = JsonNode.Parse(text) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
        }
        return (response.StatusCode, json);
    }
}
