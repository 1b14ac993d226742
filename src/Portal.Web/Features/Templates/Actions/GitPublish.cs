using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
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
    /// With <paramref name="mirror"/>, the pushed commit is also kept there for the portal's repository view.
    /// </summary>
    public static async Task<Pushed> CommitAndPushAsync(ActionContext context, TemplatesOptions options, JsonObject input, string remote,
        string? authorizationHeader, string alreadyExists, CancellationToken cancellationToken, string? mirror = null)
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
                    if (mirror is not null)
                    {
                        await PublishedMirror.UpdateAsync(folder, mirror, hash, branch, cancellationToken);
                    }
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
            if (mirror is not null)
            {
                // After the push: the mirror only ever shows what the host has.
                await PublishedMirror.UpdateAsync(folder, mirror, pushedHash, branch, cancellationToken);
            }
            return new Pushed(pushedHash);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>A branch to create, which may have folders (<c>scaffolder/add-docs</c>): each part a plain name.</summary>
    public static string BranchWithFolders(string? branch, string describedAs)
    {
        var parts = (branch ?? "").Split('/');
        if (branch is null || branch.Length > 200 || parts.Any(p => !SafeName().IsMatch(p) || p.EndsWith(".lock", StringComparison.Ordinal) || p.Contains("..", StringComparison.Ordinal)))
        {
            throw new TemplateRenderException($"The {describedAs} '{branch}' is not allowed: use letters, digits, '.', '-', '_' and '/' between parts.");
        }
        return branch;
    }

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9._-]{0,99}$")]
    private static partial Regex SafeName();
}
