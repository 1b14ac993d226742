using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Portal.Web.Infrastructure.Git;
using Portal.Web.Infrastructure.Json;

namespace Portal.Web.Features.Templates.Actions;

/// <summary>
/// <c>publish:gitlab:merge-request</c>, as Backstage's: puts the workspace on a new branch of an existing GitLab project
/// (at <c>targetPath</c>, per <c>commitAction</c>) and opens a merge request from it. The branch is pushed with git, not
/// with GitLab's commits API, so file modes are kept and the commit carries the task's trailer (a retried step finds it).
/// </summary>
public sealed class PublishGitLabMergeRequestAction(IOptions<TemplatesOptions> options, IHttpClientFactory httpFactory) : IScaffolderAction
{
    private static readonly string[] CommitActions = ["auto", "create", "update", "delete", "skip"];

    public string Id => "publish:gitlab:merge-request";
    public string Description => "Commits the workspace to a new branch of an existing GitLab project and opens a merge request (Portal:Templates:GitLab).";
    public bool HasSideEffects => true;
    public IReadOnlyList<ActionField> Inputs { get; } =
    [
        new("repoUrl", "string", true, "gitlab.com?owner=group&repo=name: the existing project."),
        new("branchName", "string", true, "The new branch the change is pushed to."),
        new("title", "string", true, "The merge request's title (and the commit's message)."),
        new("description", "string", false, "The merge request's description."),
        new("targetBranchName", "string", false, "The branch to merge into (default: the project's default branch)."),
        new("sourcePath", "string", false, "Publish only this folder of the workspace (default: targetPath, as Backstage does)."),
        new("targetPath", "string", false, "Where in the project the files go (default: its root)."),
        new("commitAction", "string", false, "auto (default: create or update each file), create (fail if a file exists), update (fail if one is missing), delete, or skip (no file changes)."),
        new("token", "string", false, "A GitLab token to use instead of the portal's (never logged)."),
        new("removeSourceBranch", "boolean", false, "Delete the branch once the merge request is merged."),
        new("assignee", "string", false, "The GitLab user name to assign (an unknown user is a warning, as in Backstage)."),
        new("reviewers", "string[]", false, "GitLab user names to ask for review."),
        new("labels", "string | string[]", false, "Labels: a list, or one text with commas."),
    ];
    public IReadOnlyList<ActionField> Outputs { get; } =
    [
        new("mergeRequestUrl", "string", true, "The merge request's page."),
        new("projectid", "string", true, "The project's path (owner/repo)."),
        new("projectPath", "string", true, "The project's path (owner/repo)."),
        new("targetBranchName", "string", true, "The branch it merges into."),
    ];

    public string? NotConfigured => string.IsNullOrWhiteSpace(options.Value.GitLab.Token) ? GitLabApi.NotConfigured(Id) : null;

    public async Task<JsonObject> RunAsync(ActionContext context, JsonObject input, CancellationToken cancellationToken)
    {
        var (owner, repo) = GitPublish.OwnerAndRepo(ActionInput.Text(input, "repoUrl")!);
        var path = $"{owner}/{repo}";
        var branch = GitPublish.BranchWithFolders(ActionInput.Text(input, "branchName"), "branch name");
        var targetPath = ActionInput.Text(input, "targetPath") is { Length: > 0 } t && t != "." ? Workspace.SafePath(t, "targetPath") : "";
        var sourcePath = ActionInput.Text(input, "sourcePath") ?? (targetPath.Length > 0 ? targetPath : null);
        var commitAction = ActionInput.Text(input, "commitAction") ?? "auto";
        if (!CommitActions.Contains(commitAction, StringComparer.Ordinal))
        {
            throw new TemplateRenderException($"{Id}: commitAction '{commitAction}' is not one of {string.Join(", ", CommitActions)}.");
        }
        var target = GitLabApi.For(options.Value, input);
        if (target.Token is null)
        {
            if (context.DryRun)
            {
                context.Log($"Dry run: would open a merge request on {path} from {branch}; {NotConfigured} Until then a real run is refused.");
                return Output($"{target.WebBase}/{path}/-/merge_requests", path, ActionInput.Text(input, "targetBranchName") ?? "main");
            }
            throw new TemplateRenderException(GitLabApi.NotConfigured(Id));
        }
        using var client = httpFactory.CreateClient(GitLabApi.HttpClientName);
        var project = await GitLabApi.SendAsync(client, HttpMethod.Get, target.Project(owner, repo), null, target, cancellationToken);
        if (project.Status == HttpStatusCode.NotFound)
        {
            throw new TemplateRenderException($"The GitLab project {path} does not exist or this token cannot see it; a merge request needs an existing project.");
        }
        if (project.Status != HttpStatusCode.OK || project.Json?["http_url_to_repo"]?.ToString() is not { Length: > 0 } cloneUrl)
        {
            throw new TemplateRenderException($"GitLab did not describe {path}: {(int)project.Status} {GitLabApi.Message(project.Json)}");
        }
        var targetBranch = GitPublish.BranchWithFolders(ActionInput.Text(input, "targetBranchName") ?? project.Json["default_branch"]?.ToString() ?? "main", "target branch");
        var environment = target.GitEnvironment();
        var folder = Path.Combine(options.Value.ResolveWorkDirectory(), "publish", context.TaskId.ToString("N") + "-merge-request");
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
            if ((await GitCli.RunAsync(folder, environment, cancellationToken, "ls-remote", cloneUrl, $"refs/heads/{targetBranch}")).Trim().Length == 0)
            {
                throw new TemplateRenderException($"The GitLab project {path} has no branch '{targetBranch}' to open a merge request against.");
            }
            var taken = $"The branch '{branch}' already exists in {path}; choose another branch name.";
            if (context.DryRun)
            {
                if (existing.Length > 0)
                {
                    throw new TemplateRenderException(taken);
                }
                context.Log($"Dry run: would push {context.Workspace.Files.Count} files ({commitAction}) to a new branch '{branch}' of {path} and open a merge request into '{targetBranch}'.");
                return Output($"{target.WebBase}/{path}/-/merge_requests", path, targetBranch);
            }
            if (existing.Length > 0)
            {
                // A retried step finds its own commit there and only opens the merge request; anyone else's branch is left alone.
                await GitCli.RunAsync(folder, environment, cancellationToken, "fetch", "-q", "--depth", "1", cloneUrl, branch);
                var head = await GitCli.RunAsync(folder, cancellationToken, "log", "-1", "--format=%B", "FETCH_HEAD");
                if (!head.Contains(GitPublish.TaskTrailer(context.TaskId), StringComparison.Ordinal))
                {
                    throw new TemplateRenderException(taken);
                }
                context.Log($"The branch '{branch}' already holds this task's commit; not pushed again.");
            }
            else
            {
                await CommitAndPushAsync(context, input, folder, environment, cloneUrl, targetBranch, branch, targetPath, sourcePath, commitAction, path, cancellationToken);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
        var projectId = project.Json["id"]?.ToString() ?? path;
        if (existing.Length > 0)
        {
            // A retried step whose merge request was opened before the failure (its answer lost) finishes with that one:
            // GitLab refuses a second open merge request from the same branch.
            var open = await GitLabApi.SendAsync(client, HttpMethod.Get,
                $"{target.Api}/projects/{Uri.EscapeDataString(projectId)}/merge_requests?state=opened&source_branch={Uri.EscapeDataString(branch)}", null, target, cancellationToken);
            if (open.Json is JsonArray { Count: > 0 } requests && requests[0]?["web_url"]?.ToString() is { Length: > 0 } openUrl)
            {
                context.Log($"Merge request !{requests[0]!["iid"]} from '{branch}' is already open on {path}: {openUrl}");
                return Output(openUrl, path, targetBranch);
            }
        }
        var body = new JsonObject
        {
            ["source_branch"] = branch,
            ["target_branch"] = targetBranch,
            ["title"] = ActionInput.Text(input, "title"),
            ["description"] = ActionInput.Text(input, "description"),
            ["remove_source_branch"] = ActionInput.Bool(input, "removeSourceBranch"),
            ["labels"] = input["labels"] is JsonArray ? string.Join(",", ActionInput.Strings(input, "labels")) : ActionInput.Text(input, "labels"),
        };
        if (ActionInput.Text(input, "assignee") is { } assignee && await UserIdAsync(client, target, assignee, context, cancellationToken) is { } assigneeId)
        {
            body["assignee_id"] = assigneeId;
        }
        var reviewers = new JsonArray();
        foreach (var reviewer in ActionInput.Strings(input, "reviewers"))
        {
            if (await UserIdAsync(client, target, reviewer, context, cancellationToken) is { } reviewerId)
            {
                reviewers.Add(reviewerId);
            }
        }
        if (reviewers.Count > 0)
        {
            body["reviewer_ids"] = reviewers;
        }
        var opened = await GitLabApi.SendAsync(client, HttpMethod.Post, $"{target.Api}/projects/{Uri.EscapeDataString(projectId)}/merge_requests", body, target, cancellationToken);
        if (opened.Status != HttpStatusCode.Created || opened.Json?["web_url"]?.ToString() is not { Length: > 0 } url)
        {
            throw new TemplateRenderException($"GitLab did not open the merge request on {path}: {(int)opened.Status} {GitLabApi.Message(opened.Json)}");
        }
        context.Log($"Opened merge request !{opened.Json["iid"]} on {path}: {url}");
        return Output(url, path, targetBranch);
    }

    /// <summary>A user's id by user name; one GitLab does not know is a warning and no assignment, as in Backstage.</summary>
    private static async Task<int?> UserIdAsync(HttpClient client, GitLabApi.Target target, string username, ActionContext context, CancellationToken cancellationToken)
    {
        var found = await GitLabApi.SendAsync(client, HttpMethod.Get, $"{target.Api}/users?username={Uri.EscapeDataString(username)}", null, target, cancellationToken);
        if (found.Json is JsonArray { Count: > 0 } users && JsonNumbers.AsWholeInt(users[0]?["id"]) is { } value)
        {
            return value;
        }
        context.Log($"Warning: GitLab has no user '{username}'; the merge request is opened without them.");
        return null;
    }

    private async Task CommitAndPushAsync(ActionContext context, JsonObject input, string folder, Dictionary<string, string> environment, string cloneUrl,
        string targetBranch, string branch, string targetPath, string? sourcePath, string commitAction, string path, CancellationToken cancellationToken)
    {
        await GitCli.RunAsync(folder, environment, cancellationToken, "fetch", "-q", "--depth", "1", cloneUrl, targetBranch);
        await GitCli.RunAsync(folder, cancellationToken, "-c", "core.symlinks=false", "checkout", "-q", "-B", branch, "FETCH_HEAD");
        if (targetPath.Length == 0 && context.Workspace.Files.Keys.Any(p => p.Split('/')[0].Equals(".git", StringComparison.OrdinalIgnoreCase)))
        {
            throw new TemplateSecurityException("The workspace holds a .git folder; it cannot be written over the repository's own.");
        }
        // Where each published workspace file lands in the project, to check commitAction before anything is written.
        var prefix = string.IsNullOrEmpty(sourcePath) || sourcePath == "." ? "" : Workspace.SafePath(sourcePath, "sourcePath") + "/";
        var landing = context.Workspace.Files.Keys.Where(p => p.StartsWith(prefix, StringComparison.Ordinal))
            .Select(p => targetPath.Length == 0 ? p[prefix.Length..] : targetPath + "/" + p[prefix.Length..]).ToList();
        var present = landing.Where(p => File.Exists(Path.Combine(folder, p))).ToList();
        var destination = targetPath.Length == 0 ? folder : Path.Combine(folder, targetPath);
        switch (commitAction)
        {
            case "create" when present.Count > 0:
                throw new TemplateRenderException($"commitAction create: {string.Join(", ", present.Take(5))} already exist(s) in {path} on '{targetBranch}'; nothing was pushed.");
            case "update" when present.Count < landing.Count:
                throw new TemplateRenderException($"commitAction update: {string.Join(", ", landing.Except(present).Take(5))} do(es) not exist in {path} on '{targetBranch}'; nothing was pushed.");
            case "delete":
                if (present.Count < landing.Count)
                {
                    throw new TemplateRenderException($"commitAction delete: {string.Join(", ", landing.Except(present).Take(5))} do(es) not exist in {path} on '{targetBranch}'; nothing was pushed.");
                }
                foreach (var file in present)
                {
                    File.Delete(Path.Combine(folder, file));
                }
                break;
            case "skip":
                break;
            default:
                Directory.CreateDirectory(destination);
                context.Workspace.WriteTo(destination, sourcePath);
                break;
        }
        var name = ActionInput.Text(input, "gitAuthorName") ?? options.Value.AuthorName;
        var email = ActionInput.Text(input, "gitAuthorEmail") ?? options.Value.AuthorEmail;
        var message = ActionInput.Text(input, "title") + "\n\n" + GitPublish.TaskTrailer(context.TaskId) + "\n";
        await GitCli.RunAsync(folder, cancellationToken, "add", "--all");
        // skip (and a change that is already there) still makes a commit: it carries the trailer a retried step looks for.
        await GitCli.RunAsync(folder, cancellationToken, "-c", $"user.name={name}", "-c", $"user.email={email}", "-c", "commit.gpgsign=false",
            "commit", "-q", "--allow-empty", "-m", message);
        await GitCli.RunAsync(folder, environment, cancellationToken, "push", "-q", cloneUrl, $"{branch}:refs/heads/{branch}");
        context.Log($"Pushed {landing.Count} files ({commitAction}) to the branch '{branch}'.");
    }

    private static JsonObject Output(string url, string path, string targetBranch) => new()
    {
        ["mergeRequestUrl"] = url,
        ["projectid"] = path,
        ["projectPath"] = path,
        ["targetBranchName"] = targetBranch,
    };
}
