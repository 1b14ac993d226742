using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Portal.Web.Infrastructure.Git;
using Portal.Web.Infrastructure.Json;

namespace Portal.Web.Features.Templates.Actions;

/// <summary>
/// <c>publish:github:pull-request</c>: puts the workspace on a new branch of an existing GitHub repository (at
/// <c>targetPath</c>, over what is there) and opens a pull request from it, with the configured token.
/// </summary>
public sealed class PublishGitHubPullRequestAction(IOptions<TemplatesOptions> options, IHttpClientFactory httpFactory) : IScaffolderAction
{
    public string Id => "publish:github:pull-request";
    public string Description => "Commits the workspace to a new branch of an existing GitHub repository and opens a pull request (Portal:Templates:GitHub).";
    public bool HasSideEffects => true;
    public IReadOnlyList<ActionField> Inputs { get; } =
    [
        new("repoUrl", "string", true, "github.com?owner=org&repo=name: the existing repository."),
        new("branchName", "string", true, "The new branch the change is pushed to."),
        new("title", "string", true, "The pull request's title."),
        new("description", "string", true, "The pull request's body."),
        new("targetBranchName", "string", false, "The branch to merge into (default: the repository's default branch)."),
        new("sourcePath", "string", false, "Publish only this folder of the workspace."),
        new("targetPath", "string", false, "Where in the repository the files go (default: its root)."),
        new("draft", "boolean", false, "Open the pull request as a draft."),
        new("commitMessage", "string", false, "The commit's message (default: the title)."),
        new("gitAuthorName", "string", false, "The commit's author (default from Portal:Templates:AuthorName)."),
        new("gitAuthorEmail", "string", false, "The author's email."),
    ];
    public IReadOnlyList<ActionField> Outputs { get; } =
    [
        new("remoteUrl", "string", true, "The pull request's page."),
        new("pullRequestNumber", "number", true, "The pull request's number."),
        new("targetBranchName", "string", true, "The branch it merges into."),
    ];

    public string? NotConfigured => string.IsNullOrWhiteSpace(options.Value.GitHub.Token)
        ? "publish:github:pull-request is not configured: set Portal:Templates:GitHub:Token (and ApiBaseUrl for GitHub Enterprise)."
        : null;

    public async Task<JsonObject> RunAsync(ActionContext context, JsonObject input, CancellationToken cancellationToken)
    {
        var (owner, repo) = GitPublish.OwnerAndRepo(ActionInput.Text(input, "repoUrl")!);
        var branch = GitPublish.BranchWithFolders(ActionInput.Text(input, "branchName"), "branch name");
        var targetPath = ActionInput.Text(input, "targetPath") is { Length: > 0 } t && t != "." ? Workspace.SafePath(t, "targetPath") : "";
        var github = options.Value.GitHub;
        var api = github.ApiBaseUrl.TrimEnd('/');
        if (string.IsNullOrWhiteSpace(github.Token))
        {
            if (context.DryRun)
            {
                context.Log($"Dry run: would open a pull request on {owner}/{repo} from {branch}; {NotConfigured} Until then a real run is refused.");
                return Output($"https://github.com/{owner}/{repo}/pulls", 0, ActionInput.Text(input, "targetBranchName") ?? "main");
            }
            throw new TemplateRenderException(NotConfigured!);
        }
        using var client = httpFactory.CreateClient("github");
        var repository = await PublishGitHubAction.SendAsync(client, HttpMethod.Get, $"{api}/repos/{Uri.EscapeDataString(owner)}/{Uri.EscapeDataString(repo)}",
            null, github.Token, cancellationToken);
        if (repository.Status == HttpStatusCode.NotFound)
        {
            throw new TemplateRenderException($"The GitHub repository {owner}/{repo} does not exist or this token cannot see it; a pull request needs an existing repository.");
        }
        if (repository.Json?["clone_url"]?.ToString() is not { Length: > 0 } cloneUrl)
        {
            throw new TemplateRenderException($"GitHub did not describe {owner}/{repo}: {(int)repository.Status} {repository.Json?["message"]}");
        }
        var target = GitPublish.BranchWithFolders(ActionInput.Text(input, "targetBranchName") ?? repository.Json["default_branch"]?.ToString() ?? "main", "target branch");
        var basic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("x-access-token:" + github.Token));
        // The credential header goes through git's environment, never its command line.
        var environment = new Dictionary<string, string>
        {
            ["GIT_CONFIG_COUNT"] = "1",
            ["GIT_CONFIG_KEY_0"] = "http.extraHeader",
            ["GIT_CONFIG_VALUE_0"] = "Authorization: " + basic,
        };
        var folder = Path.Combine(options.Value.ResolveWorkDirectory(), "pull-request", context.TaskId.ToString("N"));
        using var held = Infrastructure.Files.ScratchFolder.Hold(folder);
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
        Directory.CreateDirectory(folder);
        string existing;
        try
        {
            await GitCli.RunAsync(folder, cancellationToken, "init", "-q", "-b", branch);
            existing = (await GitCli.RunAsync(folder, environment, cancellationToken, "ls-remote", cloneUrl, $"refs/heads/{branch}")).Trim();
            if ((await GitCli.RunAsync(folder, environment, cancellationToken, "ls-remote", cloneUrl, $"refs/heads/{target}")).Trim().Length == 0)
            {
                throw new TemplateRenderException($"The GitHub repository {owner}/{repo} has no branch '{target}' to open a pull request against.");
            }
            if (context.DryRun)
            {
                if (existing.Length > 0)
                {
                    throw new TemplateRenderException($"The branch '{branch}' already exists in {owner}/{repo}; choose another branch name.");
                }
                context.Log($"Dry run: would push {context.Workspace.Files.Count} files to a new branch '{branch}' of {owner}/{repo} and open a pull request into '{target}'.");
                return Output($"{PublishGitHubAction.WebBase(api)}/{owner}/{repo}/pulls", 0, target);
            }
            if (existing.Length > 0)
            {
                // A resumed task finds its own commit there and only opens the pull request; anyone else's branch is left alone.
                await GitCli.RunAsync(folder, environment, cancellationToken, "fetch", "-q", "--depth", "1", cloneUrl, branch);
                var head = await GitCli.RunAsync(folder, cancellationToken, "log", "-1", "--format=%B", "FETCH_HEAD");
                if (!head.Contains(GitPublish.TaskTrailer(context.TaskId), StringComparison.Ordinal))
                {
                    throw new TemplateRenderException($"The branch '{branch}' already exists in {owner}/{repo}; choose another branch name.");
                }
                context.Log($"The branch '{branch}' already holds this task's commit; not pushed again.");
            }
            else
            {
                await CommitAndPushAsync(context, input, folder, environment, cloneUrl, target, branch, targetPath, cancellationToken);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
        if (existing.Length > 0)
        {
            // A retried step whose pull request was opened before the failure (its answer lost) finishes with that one:
            // GitHub refuses a second pull request from the same branch.
            var open = await PublishGitHubAction.GetListAsync(client,
                $"{api}/repos/{Uri.EscapeDataString(owner)}/{Uri.EscapeDataString(repo)}/pulls?state=open&head={Uri.EscapeDataString($"{owner}:{branch}")}",
                github.Token, cancellationToken);
            if (open is { Count: > 0 } pulls && pulls[0]?["html_url"]?.ToString() is { Length: > 0 } openUrl)
            {
                var openNumber = JsonNumbers.AsWholeInt(pulls[0]!["number"]) ?? 0;
                context.Log($"Pull request #{openNumber} from '{branch}' is already open on {owner}/{repo}: {openUrl}");
                return Output(openUrl, openNumber, target);
            }
        }
        var body = new JsonObject
        {
            ["title"] = ActionInput.Text(input, "title"),
            ["body"] = ActionInput.Text(input, "description"),
            ["head"] = branch,
            ["base"] = target,
            ["draft"] = ActionInput.Bool(input, "draft"),
        };
        var opened = await PublishGitHubAction.SendAsync(client, HttpMethod.Post, $"{api}/repos/{Uri.EscapeDataString(owner)}/{Uri.EscapeDataString(repo)}/pulls",
            body, github.Token, cancellationToken);
        if (opened.Status != HttpStatusCode.Created || opened.Json?["html_url"]?.ToString() is not { Length: > 0 } url)
        {
            throw new TemplateRenderException($"GitHub did not open the pull request on {owner}/{repo}: {(int)opened.Status} {opened.Json?["message"]}");
        }
        var number = JsonNumbers.AsWholeInt(opened.Json["number"]) ?? 0;
        context.Log($"Opened pull request #{number} on {owner}/{repo}: {url}");
        return Output(url, number, target);
    }

    private async Task CommitAndPushAsync(ActionContext context, JsonObject input, string folder, Dictionary<string, string> environment, string cloneUrl,
        string target, string branch, string targetPath, CancellationToken cancellationToken)
    {
        await GitCli.RunAsync(folder, environment, cancellationToken, "fetch", "-q", "--depth", "1", cloneUrl, target);
        await GitCli.RunAsync(folder, cancellationToken, "-c", "core.symlinks=false", "checkout", "-q", "-B", branch, "FETCH_HEAD");
        var destination = targetPath.Length == 0 ? folder : Path.Combine(folder, targetPath);
        if (context.Workspace.Files.Keys.Any(p => p.Split('/')[0].Equals(".git", StringComparison.OrdinalIgnoreCase)) && targetPath.Length == 0)
        {
            throw new TemplateSecurityException("The workspace holds a .git folder; it cannot be written over the repository's own.");
        }
        Directory.CreateDirectory(destination);
        context.Workspace.WriteTo(destination, ActionInput.Text(input, "sourcePath"));
        var name = ActionInput.Text(input, "gitAuthorName") ?? options.Value.AuthorName;
        var email = ActionInput.Text(input, "gitAuthorEmail") ?? options.Value.AuthorEmail;
        var message = (ActionInput.Text(input, "commitMessage") ?? ActionInput.Text(input, "title")) + "\n\n" + GitPublish.TaskTrailer(context.TaskId) + "\n";
        await GitCli.RunAsync(folder, cancellationToken, "add", "--all");
        await GitCli.RunAsync(folder, cancellationToken, "-c", $"user.name={name}", "-c", $"user.email={email}", "-c", "commit.gpgsign=false",
            "commit", "-q", "--allow-empty", "-m", message);
        await GitCli.RunAsync(folder, environment, cancellationToken, "push", "-q", cloneUrl, $"{branch}:refs/heads/{branch}");
        context.Log($"Pushed {context.Workspace.Files.Count} files to the branch '{branch}'.");
    }

    private static JsonObject Output(string url, int number, string target) => new()
    {
        ["remoteUrl"] = url,
        ["pullRequestNumber"] = number,
        ["targetBranchName"] = target,
    };
}
