using System.Text.Json.Nodes;
using Microsoft.Extensions.FileSystemGlobbing;

namespace Portal.Web.Features.Templates.Actions;

/// <summary><c>fs:delete</c>: removes files (paths or globs) from the workspace, as Backstage's action does.</summary>
public sealed class FsDeleteAction : IScaffolderAction
{
    public string Id => "fs:delete";
    public string Description => "Deletes files or folders (paths or globs such as **/*.tmp) from the workspace.";
    public bool HasSideEffects => false;
    public IReadOnlyList<ActionField> Inputs { get; } =
    [
        new("files", "string[]", true, "Workspace paths or globs of the files and folders to delete."),
    ];
    public IReadOnlyList<ActionField> Outputs { get; } = [];

    public Task<JsonObject> RunAsync(ActionContext context, JsonObject input, CancellationToken cancellationToken)
    {
        var deleted = 0;
        foreach (var pattern in ActionInput.Strings(input, "files"))
        {
            var safe = Workspace.SafePath(pattern, $"fs:delete '{pattern}'");
            var matcher = new Matcher(StringComparison.Ordinal);
            matcher.AddInclude(safe);
            matcher.AddInclude(safe + "/**");
            foreach (var path in context.Workspace.Files.Keys.Where(k => matcher.Match(k).HasMatches).ToList())
            {
                deleted += context.Workspace.Delete(path) ? 1 : 0;
            }
        }
        context.Log($"Deleted {deleted} files.");
        return Task.FromResult(new JsonObject());
    }
}
