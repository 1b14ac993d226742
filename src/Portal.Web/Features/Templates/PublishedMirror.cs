using Portal.Web.Infrastructure.Git;

namespace Portal.Web.Features.Templates;

/// <summary>
/// A bare copy of what a task pushed to GitHub or GitLab, kept by the publisher, so the portal's repository view can show
/// those repositories too without asking the host again (no token in the view, no network). It holds exactly the pushed
/// commit on its branch; its path comes from the task id alone, never from a template's values.
/// </summary>
public static class PublishedMirror
{
    public static string PathFor(TemplatesOptions options, Guid taskId) =>
        Path.Combine(options.ResolveWorkDirectory(), "published", taskId.ToString("N") + ".git");

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
    }
}
