using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Portal.Web.Infrastructure.Git;

namespace Portal.Web.Features.Templates.Actions;

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
        new("remoteUrl", "string", true, "The repository's file:// URL on the portal's machine; the task page opens it in the portal's repository view."),
        new("cloneUrl", "string", true, "What people clone: under Portal:Templates:CloneBaseUrl when set, else the file:// URL."),
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
            // The conflict the real run would meet after earlier steps, found before anything is made.
            if (Directory.Exists(path) && (!File.Exists(Path.Combine(path, "HEAD")) || HasCommits(path)))
            {
                throw new TemplateRenderException($"A repository {owner}/{repo} already exists; choose another name.");
            }
            context.Log($"Dry run: would create {url} and push {context.Workspace.Files.Count} files.");
            return Output(url, Clone(owner, repo, path), "0000000000000000000000000000000000000000");
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
        return Output(url, Clone(owner, repo, path), pushed.CommitHash);
    }

    private string Clone(string owner, string repo, string path) => RepositoryBrowser.CloneUrlOf(options.Value.CloneBaseUrl, owner, repo, path);

    private static JsonObject Output(string url, string cloneUrl, string hash) => new()
    {
        ["remoteUrl"] = url,
        ["cloneUrl"] = cloneUrl,
        ["repoContentsUrl"] = url,
        ["commitHash"] = hash,
    };

    private static bool HasCommits(string bare) =>
        File.Exists(Path.Combine(bare, "packed-refs")) && new FileInfo(Path.Combine(bare, "packed-refs")).Length > 0
        || (Directory.Exists(Path.Combine(bare, "refs", "heads")) && Directory.EnumerateFiles(Path.Combine(bare, "refs", "heads"), "*", SearchOption.AllDirectories).Any());
}
