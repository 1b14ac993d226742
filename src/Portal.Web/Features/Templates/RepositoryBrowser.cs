using System.Text;
using Microsoft.Extensions.Options;
using Portal.Web.Features.Templates.Actions;
using Portal.Web.Infrastructure.Git;

namespace Portal.Web.Features.Templates;

/// <summary>
/// The read-only view of a repository a task made. Only such repositories are shown: the one a completed <c>publish:git</c>
/// step of the task recorded, and only when it is <c>&lt;owner&gt;/&lt;repo&gt;.git</c> directly under the repository root; or,
/// for a completed <c>publish:github</c> or <c>publish:gitlab</c> step, the bare copy of the pushed commit that the publisher
/// kept (<see cref="PublishedMirror"/>, found by the task id). Files are read from git's objects at the branch head (never
/// from disk), so a path can only name an entry of that commit's tree; symbolic links are shown, not followed; big and
/// binary files are not read.
/// </summary>
public sealed class RepositoryBrowser(ScaffolderService scaffolder, IOptions<TemplatesOptions> options, TimeProvider time, ILogger<RepositoryBrowser> logger)
{
    public sealed record Located(string Owner, string Repo, string GitDirectory, string? RemoteCloneUrl = null);

    /// <summary>What a lookup gives: the value, or a problem with its status (400 or 404) and message.</summary>
    public sealed record Outcome<T>(T? Value, int Status, string? Problem) where T : class;

    private static Outcome<T> Ok<T>(T value) where T : class => new(value, 200, null);

    private static Outcome<T> Fail<T>(int status, string problem) where T : class => new(null, status, problem);

    public const string NoRepository = "This task made no repository the portal can show: it has no completed publish:git, publish:github or publish:gitlab step, "
        + "or the portal's copy of the GitHub or GitLab repository was removed after it went unused and could not be fetched again.";

    /// <summary>The publishers whose pushed commit is kept in a <see cref="PublishedMirror"/>.</summary>
    public static readonly IReadOnlySet<string> MirroredPublishers = new HashSet<string>(["publish:github", "publish:gitlab"], StringComparer.Ordinal);

    /// <summary>The repository the task's first completed publish step made, or null.</summary>
    public async Task<Located?> LocateAsync(Guid taskId, CancellationToken cancellationToken)
    {
        var task = await scaffolder.GetTaskAsync(taskId, long.MaxValue, cancellationToken);
        var step = task?.Steps.FirstOrDefault(s => (s.Action == "publish:git" || MirroredPublishers.Contains(s.Action))
            && s.Status == StepStatus.Completed && s.Output is not null);
        if (step is null)
        {
            return null;
        }
        var output = System.Text.Json.Nodes.JsonNode.Parse(step.Output!);
        if (step.Action != "publish:git")
        {
            var mirror = PublishedMirror.PathFor(options.Value, taskId);
            var cloneUrl = output?["repoContentsUrl"]?.ToString();
            if (!Path.Exists(mirror) && cloneUrl is not null && output?["commitHash"]?.ToString() is { Length: > 0 } commit
                && HostCredential(step.Action, cloneUrl) is { } environment)
            {
                // Evicted by the cleanup (a cache of what the host has): fetched again with the portal's own token for that host.
                try
                {
                    await PublishedMirror.RestoreAsync(mirror, cloneUrl, commit, environment, cancellationToken);
                }
                catch (Infrastructure.Git.GitException ex)
                {
                    logger.LogWarning("The copy of {CloneUrl} for task {TaskId} could not be fetched again: {Problem}", cloneUrl, taskId, ex.Message);
                }
            }
            var located = Mirrored(mirror, cloneUrl);
            if (located is not null)
            {
                PublishedMirror.MarkUsed(mirror, time.GetUtcNow());
            }
            return located;
        }
        var remote = output?["remoteUrl"]?.ToString();
        return remote is null ? null : Within(options.Value.ResolveRepositoryRoot(), remote);
    }

    /// <summary>
    /// git's environment carrying the portal's configured token for the host a copy came from; null when the clone URL is
    /// not on the configured GitHub or GitLab (the token is never sent to another host) or no token is configured.
    /// </summary>
    private Dictionary<string, string>? HostCredential(string action, string cloneUrl)
    {
        var templates = options.Value;
        var (webBase, token, user) = action == "publish:github"
            ? (PublishGitHubAction.WebBase(templates.GitHub.ApiBaseUrl.TrimEnd('/')), templates.GitHub.Token, "x-access-token")
            : (new GitLabApi.Target(templates.GitLab.ApiBaseUrl.TrimEnd('/'), null).WebBase, templates.GitLab.Token, "oauth2");
        if (string.IsNullOrWhiteSpace(token) || !Uri.TryCreate(cloneUrl, UriKind.Absolute, out var clone) || clone.Scheme is not ("https" or "http")
            || !string.Equals(clone.GetLeftPart(UriPartial.Authority), new Uri(webBase).GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        return new Dictionary<string, string>
        {
            ["GIT_CONFIG_COUNT"] = "1",
            ["GIT_CONFIG_KEY_0"] = "http.extraHeader",
            ["GIT_CONFIG_VALUE_0"] = "Authorization: Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{token}")),
        };
    }

    /// <summary>
    /// The kept copy of a repository pushed to GitHub or GitLab, named <c>owner/repo</c> after its clone URL's last two parts
    /// (shown with that URL); null when the copy is missing (a task from before copies were kept) or is a symbolic link.
    /// </summary>
    public static Located? Mirrored(string mirror, string? cloneUrl)
    {
        if (cloneUrl is null || !Uri.TryCreate(cloneUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
        {
            return null;
        }
        var parts = uri.AbsolutePath.Trim('/').Split('/');
        var directory = new DirectoryInfo(mirror);
        if (parts.Length < 2 || !directory.Exists || directory.LinkTarget is not null || !File.Exists(Path.Combine(mirror, "HEAD")))
        {
            return null;
        }
        var repo = parts[^1].EndsWith(".git", StringComparison.Ordinal) ? parts[^1][..^4] : parts[^1];
        return new Located(Uri.UnescapeDataString(parts[^2]), Uri.UnescapeDataString(repo), directory.FullName, uri.AbsoluteUri);
    }

    /// <summary>
    /// A <c>file://</c> URL that is exactly <c>&lt;root&gt;/&lt;owner&gt;/&lt;repo&gt;.git</c> with plain names and no symbolic link on the
    /// way, as <c>publish:git</c> makes them; anything else (another folder, a link out of the root) is not shown.
    /// </summary>
    public static Located? Within(string root, string remoteUrl)
    {
        if (!Uri.TryCreate(remoteUrl, UriKind.Absolute, out var uri) || !uri.IsFile)
        {
            return null;
        }
        var full = Path.GetFullPath(uri.LocalPath).TrimEnd(Path.DirectorySeparatorChar);
        var relative = Path.GetRelativePath(Path.GetFullPath(root), full).Split(Path.DirectorySeparatorChar);
        if (relative is not [var owner, var folder] || !folder.EndsWith(".git", StringComparison.Ordinal))
        {
            return null;
        }
        var repo = folder[..^4];
        try
        {
            GitPublish.OwnerAndRepo($"portal?owner={owner}&repo={repo}");
        }
        catch (TemplateRenderException)
        {
            return null;
        }
        var ownerDirectory = new DirectoryInfo(Path.GetDirectoryName(full)!);
        var repoDirectory = new DirectoryInfo(full);
        if (!repoDirectory.Exists || ownerDirectory.LinkTarget is not null || repoDirectory.LinkTarget is not null
            || !File.Exists(Path.Combine(full, "HEAD")))
        {
            return null;
        }
        return new Located(owner, repo, full);
    }

    /// <summary>How people clone it: under <c>Portal:Templates:CloneBaseUrl</c> when set (the folder served by a git server), else its <c>file://</c> URL.</summary>
    public string CloneUrl(string owner, string repo, string gitDirectory) => CloneUrlOf(options.Value.CloneBaseUrl, owner, repo, gitDirectory);

    public static string CloneUrlOf(string? cloneBaseUrl, string owner, string repo, string gitDirectory) =>
        string.IsNullOrWhiteSpace(cloneBaseUrl) ? new Uri(gitDirectory).AbsoluteUri : $"{cloneBaseUrl.TrimEnd('/')}/{owner}/{repo}.git";

    public async Task<Outcome<RepositoryView>> TreeAsync(Guid taskId, CancellationToken cancellationToken)
    {
        if (await LocateAsync(taskId, cancellationToken) is not { } repo)
        {
            return Fail<RepositoryView>(404, NoRepository);
        }
        var name = $"{repo.Owner}/{repo.Repo}";
        var clone = repo.RemoteCloneUrl ?? CloneUrl(repo.Owner, repo.Repo, repo.GitDirectory);
        var head = await HeadAsync(repo, cancellationToken);
        if (head is null)
        {
            return Ok(new RepositoryView(name, null, null, clone, [], false, null));
        }
        var (entries, truncated) = await EntriesAsync(repo, head.Value.Commit, cancellationToken);
        var list = entries.Select(e => e.Entry).ToList();
        return Ok(new RepositoryView(name, head.Value.Branch, head.Value.Commit, clone, list, truncated, RepositoryListing.Readme(list)));
    }

    public async Task<Outcome<RepositoryFile>> FileAsync(Guid taskId, string? path, CancellationToken cancellationToken)
    {
        if (RepositoryListing.PathProblem(path) is { } problem)
        {
            return Fail<RepositoryFile>(400, problem);
        }
        if (await LocateAsync(taskId, cancellationToken) is not { } repo)
        {
            return Fail<RepositoryFile>(404, NoRepository);
        }
        var missing = $"There is no file '{path}' in {repo.Owner}/{repo.Repo}.";
        if (await HeadAsync(repo, cancellationToken) is not { } head)
        {
            return Fail<RepositoryFile>(404, missing);
        }
        // Looked up in the commit's own listing: a name that is not an entry of the tree cannot be read at all.
        var (entries, _) = await EntriesAsync(repo, head.Commit, cancellationToken, int.MaxValue);
        var found = entries.FirstOrDefault(e => string.Equals(e.Entry.Path, path, StringComparison.Ordinal));
        if (found.Entry is not { } entry)
        {
            return Fail<RepositoryFile>(404, missing);
        }
        var size = entry.Size ?? 0;
        switch (entry.Type)
        {
            case "tree":
                return Fail<RepositoryFile>(400, $"'{path}' is a folder, not a file.");
            case "submodule":
                return Ok(new RepositoryFile(entry.Path, "submodule", 0, null, null));
            case "symlink":
                var target = await GitCli.ReadBytesAsync(repo.GitDirectory, 4096, cancellationToken, "--git-dir=" + repo.GitDirectory, "cat-file", "blob", found.Object);
                return Ok(new RepositoryFile(entry.Path, "symlink", size, null,
                    target is null ? null : Encoding.UTF8.GetString(target)));
        }
        if (size > RepositoryListing.MaxFileBytes)
        {
            return Ok(new RepositoryFile(entry.Path, "tooLarge", size, null, null));
        }
        var bytes = await GitCli.ReadBytesAsync(repo.GitDirectory, RepositoryListing.MaxFileBytes, cancellationToken,
            "--git-dir=" + repo.GitDirectory, "cat-file", "blob", found.Object);
        if (bytes is null)
        {
            return Ok(new RepositoryFile(entry.Path, "tooLarge", size, null, null));
        }
        return Skeleton.IsBinary(bytes)
            ? Ok(new RepositoryFile(entry.Path, "binary", size, null, null))
            : Ok(new RepositoryFile(entry.Path, "text", size, Encoding.UTF8.GetString(bytes), null));
    }

    /// <summary>The branch HEAD names and its commit, or null for a repository without commits.</summary>
    private static async Task<(string Branch, string Commit)?> HeadAsync(Located repo, CancellationToken cancellationToken)
    {
        var gitDir = "--git-dir=" + repo.GitDirectory;
        try
        {
            var branch = (await GitCli.RunAsync(repo.GitDirectory, cancellationToken, gitDir, "symbolic-ref", "--short", "HEAD")).Trim();
            var commit = (await GitCli.RunAsync(repo.GitDirectory, cancellationToken, gitDir, "rev-parse", "--verify", "-q", "HEAD^{commit}")).Trim();
            return commit.Length == 0 ? null : (branch, commit);
        }
        catch (GitException)
        {
            // An empty repository (a run that stopped after creating it): nothing to list yet.
            return null;
        }
    }

    private static async Task<(IReadOnlyList<(RepositoryEntry Entry, string Object)> Entries, bool Truncated)> EntriesAsync(Located repo, string commit,
        CancellationToken cancellationToken, int max = RepositoryListing.MaxEntries) =>
        RepositoryListing.ParseLsTree(await GitCli.RunAsync(repo.GitDirectory, cancellationToken, "--git-dir=" + repo.GitDirectory,
            "ls-tree", "-r", "-t", "-l", "-z", "--full-tree", commit), max);
}
