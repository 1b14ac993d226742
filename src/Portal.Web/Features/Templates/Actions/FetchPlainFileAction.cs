using System.Text.Json.Nodes;

namespace Portal.Web.Features.Templates.Actions;

/// <summary><c>fetch:plain:file</c>: copies one file beside the template to a path in the workspace, nothing rendered.</summary>
public sealed class FetchPlainFileAction : IScaffolderAction
{
    public string Id => "fetch:plain:file";
    public string Description => "Copies one file beside the template into the workspace as it is.";
    public bool HasSideEffects => false;
    public IReadOnlyList<ActionField> Inputs { get; } =
    [
        new("url", "string", true, "The file, relative to the template file (e.g. ./files/LICENSE)."),
        new("targetPath", "string", true, "The file's path in the workspace."),
    ];
    public IReadOnlyList<ActionField> Outputs { get; } = [];

    public Task<JsonObject> RunAsync(ActionContext context, JsonObject input, CancellationToken cancellationToken)
    {
        var url = ActionInput.Text(input, "url")!;
        var targetPath = ActionInput.Text(input, "targetPath")!;
        var files = Skeleton.Read(context.Template, url);
        if (files.Count != 1 || files[0].RelativePath.Contains('/', StringComparison.Ordinal) || !File.Exists(files[0].FullPath)
            || Directory.Exists(Path.GetFullPath(Path.Combine(context.Template.BaseDirectory!, url))))
        {
            throw new TemplateRenderException($"fetch:plain:file: '{url}' is not a file beside the template (use fetch:plain for a folder).");
        }
        var describedAs = $"fetch:plain:file targetPath '{targetPath}'";
        context.Workspace.Write(Workspace.SafePath(targetPath, describedAs), File.ReadAllBytes(files[0].FullPath), describedAs,
            Workspace.HasExecutableBit(files[0].FullPath));
        context.Log($"Copied {url} to {targetPath}.");
        return Task.FromResult(new JsonObject());
    }
}
