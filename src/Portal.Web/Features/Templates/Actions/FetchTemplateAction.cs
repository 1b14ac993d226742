using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.FileSystemGlobbing;

namespace Portal.Web.Features.Templates.Actions;

/// <summary><c>fetch:template</c>: renders the skeleton's file names and contents with <c>values</c> into the workspace.</summary>
public sealed class FetchTemplateAction : IScaffolderAction
{
    public string Id => "fetch:template";
    public string Description => "Renders a skeleton folder beside the template (file names and contents, ${{ values.x }} and {% %} tags) into the workspace.";
    public bool HasSideEffects => false;
    public IReadOnlyList<ActionField> Inputs { get; } =
    [
        new("url", "string", true, "The skeleton folder, relative to the template file (e.g. ./skeleton)."),
        new("targetPath", "string", false, "The folder in the workspace to render into (default: the workspace root)."),
        new("values", "object", false, "The values the skeleton sees as ${{ values.x }}."),
        new("copyWithoutTemplating", "string[]", false, "Globs (relative to the skeleton) of files copied without rendering their contents; their paths are still rendered."),
    ];
    public IReadOnlyList<ActionField> Outputs { get; } = [];

    public Task<JsonObject> RunAsync(ActionContext context, JsonObject input, CancellationToken cancellationToken)
    {
        var url = ActionInput.Text(input, "url")!;
        var targetPath = ActionInput.Text(input, "targetPath") ?? ".";
        var model = new Dictionary<string, object?>(StringComparer.Ordinal) { ["values"] = input["values"] as JsonObject ?? [] };
        var verbatim = new Matcher(StringComparison.Ordinal);
        var globs = ActionInput.Strings(input, "copyWithoutTemplating");
        foreach (var glob in globs)
        {
            verbatim.AddInclude(glob.StartsWith("./", StringComparison.Ordinal) ? glob[2..] : glob.TrimStart('/'));
        }
        var files = Skeleton.Read(context.Template, url);
        var rendered = 0;
        foreach (var file in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var path = TemplateText.Render(file.RelativePath, model, $"the file name '{file.RelativePath}'");
            if (path.Split('/').Any(segment => segment.Trim().Length == 0) || path.EndsWith('/'))
            {
                // A name that renders empty (e.g. {% if values.docs %}docs{% endif %}) means "leave this file out".
                context.Log($"Skipped {file.RelativePath}: its name renders empty.");
                continue;
            }
            var target = Workspace.Join(targetPath, path, $"the file '{file.RelativePath}'");
            var content = File.ReadAllBytes(file.FullPath);
            if (globs.Count > 0 && verbatim.Match(file.RelativePath).HasMatches || Skeleton.IsBinary(content))
            {
                context.Workspace.Write(target, content, $"the file '{file.RelativePath}'");
                continue;
            }
            var text = TemplateText.RenderFile(path, Encoding.UTF8.GetString(content), model, $"the file '{file.RelativePath}'");
            context.Workspace.Write(target, Encoding.UTF8.GetBytes(text), $"the file '{file.RelativePath}'");
            rendered++;
        }
        context.Log($"Rendered {rendered} of {files.Count} files from {url} into {(targetPath == "." ? "the workspace" : targetPath)}.");
        return Task.FromResult(new JsonObject());
    }
}
