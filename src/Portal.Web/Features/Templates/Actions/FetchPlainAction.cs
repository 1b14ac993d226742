using System.Text.Json.Nodes;

namespace Portal.Web.Features.Templates.Actions;

/// <summary><c>fetch:plain</c>: copies a folder beside the template into the workspace, nothing rendered.</summary>
public sealed class FetchPlainAction : IScaffolderAction
{
    public string Id => "fetch:plain";
    public string Description => "Copies a folder beside the template into the workspace as it is.";
    public bool HasSideEffects => false;
    public IReadOnlyList<ActionField> Inputs { get; } =
    [
        new("url", "string", true, "The folder, relative to the template file."),
        new("targetPath", "string", false, "The folder in the workspace to copy into (default: the workspace root)."),
    ];
    public IReadOnlyList<ActionField> Outputs { get; } = [];

    public Task<JsonObject> RunAsync(ActionContext context, JsonObject input, CancellationToken cancellationToken)
    {
        var url = ActionInput.Text(input, "url")!;
        var targetPath = ActionInput.Text(input, "targetPath") ?? ".";
        var files = Skeleton.Read(context.Template, url);
        foreach (var file in files)
        {
            context.Workspace.Write(Workspace.Join(targetPath, file.RelativePath, $"the file '{file.RelativePath}'"), File.ReadAllBytes(file.FullPath),
                $"the file '{file.RelativePath}'", Workspace.HasExecutableBit(file.FullPath));
        }
        context.Log($"Copied {files.Count} files from {url}.");
        return Task.FromResult(new JsonObject());
    }
}
