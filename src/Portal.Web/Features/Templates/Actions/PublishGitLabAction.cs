using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Portal.Web.Features.Templates.Actions;

/// <summary>
/// <c>publish:gitlab</c>, as Backstage's: finds the namespace (<c>GET /namespaces/{owner}</c>), creates the project
/// (<c>POST /projects</c>) and pushes the workspace over HTTPS with the token, against a configurable API (self-hosted GitLab).
/// </summary>
public sealed class PublishGitLabAction(IOptions<TemplatesOptions> options, IHttpClientFactory httpFactory) : IScaffolderAction
{
    public string Id => "publish:gitlab";
    public string Description => "Creates a GitLab project with the configured token (Portal:Templates:GitLab) or the step's own, and pushes the workspace.";
    public bool HasSideEffects => true;
    public IReadOnlyList<ActionField> Inputs { get; } =
    [
        new("repoUrl", "string", true, "gitlab.com?owner=group&repo=name: owner is a group or user path, repo the project's path."),
        new("repoVisibility", "string", false, "private (default), internal or public."),
        new("defaultBranch", "string", false, "The branch to create (default main)."),
        new("gitCommitMessage", "string", false, "The first commit's message (default 'Initial commit')."),
        new("gitAuthorName", "string", false, "The commit's author (default from Portal:Templates:AuthorName)."),
        new("gitAuthorEmail", "string", false, "The author's email."),
        new("sourcePath", "string", false, "Publish only this folder of the workspace."),
        new("token", "string", false, "A GitLab token to use instead of the portal's (never logged)."),
        new("settings", "object", false, "Project settings: description, visibility and topics are used; others are ignored."),
        new("topics", "string[]", false, "Topic labels for the project (also settings.topics)."),
    ];
    public IReadOnlyList<ActionField> Outputs { get; } =
    [
        new("remoteUrl", "string", true, "The project's page."),
        new("repoContentsUrl", "string", true, "The clone URL the catalog reads the repository from."),
        new("projectId", "number", true, "The project's id."),
        new("commitHash", "string", true, "The first commit."),
        new("created", "boolean", true, "Whether this step created the project (false when a retried step found its own)."),
    ];

    public string? NotConfigured => string.IsNullOrWhiteSpace(options.Value.GitLab.Token) ? GitLabApi.NotConfigured(Id) : null;

    public async Task<JsonObject> RunAsync(ActionContext context, JsonObject input, CancellationToken cancellationToken)
    {
        var (owner, repo) = GitPublish.OwnerAndRepo(ActionInput.Text(input, "repoUrl")!);
        var settings = input["settings"] as JsonObject ?? [];
        var visibility = ActionInput.Text(settings, "visibility") ?? ActionInput.Text(input, "repoVisibility") ?? "private";
        if (visibility is not ("private" or "internal" or "public"))
        {
            throw new TemplateRenderException($"publish:gitlab: the visibility '{visibility}' is not one of private, internal or public.");
        }
        var target = GitLabApi.For(options.Value, input);
        if (target.Token is null)
        {
            if (context.DryRun)
            {
                context.Log($"Dry run: would create the GitLab project {owner}/{repo}; {NotConfigured} Until then a real run is refused.");
                return Output($"{target.WebBase}/{owner}/{repo}", $"{target.WebBase}/{owner}/{repo}.git", 0, "", created: false);
            }
            throw new TemplateRenderException(GitLabApi.NotConfigured(Id));
        }
        using var client = httpFactory.CreateClient(GitLabApi.HttpClientName);
        // Both conflicts the real run would meet, found before anything is made (a real run's preflight is this dry run).
        var ns = await GitLabApi.NamespaceAsync(client, target, owner, cancellationToken);
        var existing = await GitLabApi.SendAsync(client, HttpMethod.Get, target.Project(owner, repo), null, target, cancellationToken);
        if (existing.Status is not (HttpStatusCode.OK or HttpStatusCode.NotFound))
        {
            throw new TemplateRenderException($"GitLab did not answer whether {owner}/{repo} exists: {(int)existing.Status} {GitLabApi.Message(existing.Json)}");
        }
        if (context.DryRun)
        {
            if (existing.Status == HttpStatusCode.OK)
            {
                throw new TemplateRenderException($"The GitLab project {owner}/{repo} already exists; choose another name.");
            }
            context.Log($"Dry run: would create the GitLab project {owner}/{repo} ({visibility}) at {target.Api} and push {context.Workspace.Files.Count} files.");
            return Output($"{target.WebBase}/{owner}/{repo}", $"{target.WebBase}/{owner}/{repo}.git", 0, "", created: false);
        }
        var project = existing.Json;
        var created = false;
        if (existing.Status == HttpStatusCode.NotFound)
        {
            var topics = new JsonArray([.. ActionInput.Strings(settings, "topics").Concat(ActionInput.Strings(input, "topics")).Distinct(StringComparer.Ordinal)
                .Select(t => (JsonNode)JsonValue.Create(t))]);
            var body = new JsonObject
            {
                ["name"] = repo,
                ["path"] = repo,
                ["namespace_id"] = ns["id"]!.DeepClone(),
                ["visibility"] = visibility,
                ["description"] = ActionInput.Text(settings, "description"),
                ["topics"] = topics,
                ["initialize_with_readme"] = false,
            };
            var made = await GitLabApi.SendAsync(client, HttpMethod.Post, $"{target.Api}/projects", body, target, cancellationToken);
            if (made.Status == HttpStatusCode.BadRequest && GitLabApi.Message(made.Json).Contains("has already been taken", StringComparison.Ordinal))
            {
                // Made meanwhile (a step that stopped after creating it): the push below recognises this task's commit and refuses anyone else's.
                made = await GitLabApi.SendAsync(client, HttpMethod.Get, target.Project(owner, repo), null, target, cancellationToken);
            }
            else
            {
                created = made.Status == HttpStatusCode.Created;
            }
            project = made.Json;
            if (made.Status is not (HttpStatusCode.Created or HttpStatusCode.OK))
            {
                throw new TemplateRenderException($"GitLab refused to create {owner}/{repo}: {(int)made.Status} {GitLabApi.Message(made.Json)}");
            }
        }
        if (project?["http_url_to_repo"]?.ToString() is not { Length: > 0 } cloneUrl || project["id"] is not JsonValue idValue
            || !idValue.TryGetValue<long>(out var projectId))
        {
            throw new TemplateRenderException($"GitLab did not describe the project {owner}/{repo} (no id or clone URL).");
        }
        var webUrl = project["web_url"]?.ToString() ?? cloneUrl[..^(cloneUrl.EndsWith(".git", StringComparison.Ordinal) ? 4 : 0)];
        context.Log(created ? $"Created the GitLab project {webUrl} (id {projectId})." : $"The GitLab project {webUrl} (id {projectId}) exists; continuing this task's publish.");
        var pushed = await GitPublish.CommitAndPushAsync(context, options.Value, input, cloneUrl, target.GitAuthorization,
            $"The GitLab project {owner}/{repo} already exists and has commits; choose another name.", cancellationToken,
            PublishedMirror.PathFor(options.Value, context.TaskId));
        context.Log($"Pushed {context.Workspace.Files.Count} files (commit {pushed.CommitHash[..8]}).");
        return Output(webUrl, cloneUrl, projectId, pushed.CommitHash, created);
    }

    private static JsonObject Output(string remoteUrl, string cloneUrl, long projectId, string commitHash, bool created) => new()
    {
        ["remoteUrl"] = remoteUrl,
        // The catalog reads git, so the contents URL is the clone URL (Backstage's is a /-/blob/<branch> page).
        ["repoContentsUrl"] = cloneUrl,
        ["projectId"] = projectId,
        ["commitHash"] = commitHash,
        ["created"] = created,
    };
}
