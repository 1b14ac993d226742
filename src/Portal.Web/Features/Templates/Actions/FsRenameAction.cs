using System.Text.Json.Nodes;

namespace Portal.Web.Features.Templates.Actions;

/// <summary><c>fs:rename</c>: moves files or folders inside the workspace, as Backstage's action does.</summary>
public sealed class FsRenameAction : IScaffolderAction
{
    public string Id => "fs:rename";
    public string Description => "Renames files or folders in the workspace.";
    public bool HasSideEffects => false;
    public IReadOnlyList<ActionField> Inputs { get; } =
    [
        new("files", "object[]", true, "A list of { from, to, overwrite }: workspace paths; overwrite (default false) replaces a file at 'to'."),
    ];
    public IReadOnlyList<ActionField> Outputs { get; } = [];

    public Task<JsonObject> RunAsync(ActionContext context, JsonObject input, CancellationToken cancellationToken)
    {
        if (input["files"] is not JsonArray files)
        {
            throw new TemplateRenderException("fs:rename: 'files' must be a list of { from, to }.");
        }
        foreach (var entry in files)
        {
            var from = entry?["from"]?.ToString();
            var to = entry?["to"]?.ToString();
            if (string.IsNullOrEmpty(from) || string.IsNullOrEmpty(to))
            {
                throw new TemplateRenderException("fs:rename: each entry of 'files' needs 'from' and 'to'.");
            }
            var source = Workspace.SafePath(from, $"fs:rename from '{from}'");
            var target = Workspace.SafePath(to, $"fs:rename to '{to}'");
            var moving = context.Workspace.FilesAt(source);
            if (moving.Count == 0)
            {
                throw new TemplateRenderException($"fs:rename: there is no file or folder '{from}' in the workspace.");
            }
            var overwrite = entry?["overwrite"] is JsonValue o && o.GetValueKind() == System.Text.Json.JsonValueKind.True;
            var moves = moving.Select(path => (From: path, To: target + path[source.Length..])).ToList();
            if (!overwrite && moves.FirstOrDefault(m => context.Workspace.Files.ContainsKey(m.To) && !moving.Contains(m.To)) is { To: not null } clash)
            {
                throw new TemplateRenderException($"fs:rename: '{clash.To}' already exists; set overwrite: true to replace it.");
            }
            foreach (var (path, newPath) in moves)
            {
                var content = context.Workspace.Files[path];
                var executable = context.Workspace.IsExecutable(path);
                context.Workspace.Delete(path);
                context.Workspace.Write(newPath, content, $"fs:rename to '{to}'", executable);
            }
            context.Log($"Renamed {from} to {to}.");
        }
        return Task.FromResult(new JsonObject());
    }
}
