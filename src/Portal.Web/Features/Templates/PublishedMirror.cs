using System.Text.RegularExpressions;
using Portal.Web.Infrastructure.Git;

namespace Portal.Web.Features.Templates;

/// <summary>
/// A bare copy of what a task pushed to GitHub or GitLab, kept by the publisher, so the portal's repository view can show
/// those repositories too without asking the host each time. It holds exactly the pushed commit on its branch; its path
/// comes from the task id alone, never from a template's values. It is a cache: the host has the repository, so
/// <see cref="PublishedCleanupJob"/> may evict a copy nobody looked at for a while and the view fetches it again
/// (<see cref="RestoreAsync"/>). Its folder's modification time is when it was last written or shown.
/// </summary>
public static partial class PublishedMirror
{
    public const string Folder = "published";

    /// <summary>A copy being fetched again; renamed into place only when complete, so a half copy is never shown.</summary>
    public const string RestoringPrefix = ".restoring-";

    /// <summary>A copy being evicted: renamed first, so the view sees the whole copy or none, then deleted.</summary>
    public const string EvictingPrefix = ".evicting-";

    public static string FolderFor(TemplatesOptions options) => Path.Combine(options.ResolveWorkDirectory(), Folder);

    public static string PathFor(TemplatesOptions options, Guid taskId) => Path.Combine(FolderFor(options), taskId.ToString("N") + ".git");

    /// <summary>The task whose copy a folder name is (<c>&lt;32 hex&gt;.git</c>); false for any other name.</summary>
    public static bool TryTaskId(string name, out Guid taskId)
    {
        taskId = Guid.Empty;
        return CopyName().IsMatch(name) && Guid.TryParseExact(name[..32], "N", out taskId);
    }

    /// <summary>Copies <paramref name="commit"/> from the publish folder's repository into the mirror as <paramref name="branch"/>.</summary>
    public static async Task UpdateAsync(string publishFolder, string mirror, string commit, string branch, CancellationToken cancellationToken)
    {
        if (!File.Exists(Path.Combine(mirror, "HEAD")))
        {
            Directory.CreateDirectory(mirror);
            await GitCli.RunAsync(mirror, cancellationToken, "init", "-q", "--bare", "-b", branch);
        }
        await GitCli.RunAsync(publishFolder, cancellationToken, "push", "-q", "--force", new Uri(mirror).AbsoluteUri, $"{commit}:refs/heads/{branch}");
        await GitCli.RunAsync(mirror, cancellationToken, "--git-dir=" + mirror, "symbolic-ref", "HEAD", $"refs/heads/{branch}");
        MarkUsed(mirror, DateTime.UtcNow);
    }

    /// <summary>Records that the copy was used now: the cleanup evicts copies by this time.</summary>
    public static void MarkUsed(string mirror, DateTimeOffset now)
    {
        try
        {
            Directory.SetLastWriteTimeUtc(mirror, now.UtcDateTime);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Evicted meanwhile: the next view fetches it again.
        }
    }

    /// <summary>
    /// Fetches an evicted copy again from the host: every branch, then keeps as a branch only one that holds
    /// <paramref name="commit"/> (the pushed commit, even when the branch has moved on since), pointing at that commit.
    /// Built beside the copy and renamed into place, so a failed or concurrent fetch leaves no half copy.
    /// </summary>
    public static async Task RestoreAsync(string mirror, string cloneUrl, string commit, IReadOnlyDictionary<string, string> environment,
        CancellationToken cancellationToken)
    {
        if (!CommitHash().IsMatch(commit))
        {
            throw new GitException($"'{commit}' is not a commit hash.");
        }
        var parent = Path.GetDirectoryName(mirror)!;
        Directory.CreateDirectory(parent);
        var staging = Path.Combine(parent, RestoringPrefix + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(staging);
        try
        {
            var gitDir = "--git-dir=" + staging;
            await GitCli.RunAsync(staging, cancellationToken, "init", "-q", "--bare");
            await GitCli.RunAsync(staging, environment, cancellationToken, gitDir, "fetch", "-q", "--no-tags", cloneUrl, "+refs/heads/*:refs/remotes/origin/*");
            var remotes = (await GitCli.RunAsync(staging, cancellationToken, gitDir, "for-each-ref", "--format=%(refname)", "refs/remotes/origin"))
                .Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var holding = (await GitCli.RunAsync(staging, cancellationToken, gitDir, "for-each-ref", "--format=%(refname)", "--contains", commit, "refs/remotes/origin"))
                .Split('\n', StringSplitOptions.RemoveEmptyEntries);
            if (holding.Length == 0)
            {
                throw new GitException($"No branch of {cloneUrl} holds the pushed commit {commit[..8]} any more.");
            }
            var branch = holding.FirstOrDefault(r => r.EndsWith("/main", StringComparison.Ordinal)) ?? holding[0];
            branch = branch["refs/remotes/origin/".Length..];
            await GitCli.RunAsync(staging, cancellationToken, gitDir, "update-ref", $"refs/heads/{branch}", commit);
            await GitCli.RunAsync(staging, cancellationToken, gitDir, "symbolic-ref", "HEAD", $"refs/heads/{branch}");
            foreach (var remote in remotes)
            {
                await GitCli.RunAsync(staging, cancellationToken, gitDir, "update-ref", "-d", remote);
            }
            try
            {
                Directory.Move(staging, mirror);
            }
            catch (IOException) when (Directory.Exists(mirror))
            {
                // Another request restored it first: theirs is kept.
            }
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                PublishedFolder.DeleteTree(staging);
            }
        }
    }

    [GeneratedRegex("^[0-9a-f]{32}\\.git$")]
    private static partial Regex CopyName();

    [GeneratedRegex("^[0-9a-f]{40}([0-9a-f]{24})?$")]
    private static partial Regex CommitHash();
}
