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
        new("copyWithoutRender", "string[]", false, "Globs (relative to the skeleton) of files copied exactly as they are: neither their paths nor their contents are rendered."),
        new("copyWithoutTemplating", "string[]", false, "Globs (relative to the skeleton) of files copied without rendering their contents; their paths are still rendered."),
        new("cookiecutterCompat", "boolean", false, "Render cookiecutter skeletons: {{ cookiecutter.x }} instead of ${{ values.x }}, and the jsonify filter."),
        new("templateFileExtension", "any", false, "true (meaning .njk) or an extension such as .jinja2: only files with it are rendered, and it is removed from their names."),
    ];
    public IReadOnlyList<ActionField> Outputs { get; } = [];

    public Task<JsonObject> RunAsync(ActionContext context, JsonObject input, CancellationToken cancellationToken)
    {
        var url = ActionInput.Text(input, "url")!;
        var targetPath = ActionInput.Text(input, "targetPath") ?? ".";
        var cookiecutter = ActionInput.Bool(input, "cookiecutterCompat");
        var values = input["values"] as JsonObject ?? [];
        // Backstage hands cookiecutter skeletons their values as `cookiecutter`, everything else as `values`.
        var model = new Dictionary<string, object?>(StringComparer.Ordinal) { [cookiecutter ? "cookiecutter" : "values"] = values };
        var withoutRender = Globs(ActionInput.Strings(input, "copyWithoutRender"));
        var withoutTemplating = Globs(ActionInput.Strings(input, "copyWithoutTemplating"));
        var extension = input["templateFileExtension"] switch
        {
            JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.True => ".njk",
            JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String && v.GetValue<string>() is { Length: > 0 } e => e.StartsWith('.') ? e : "." + e,
            _ => null,
        };
        var files = Skeleton.Read(context.Template, url);
        var rendered = 0;
        foreach (var file in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var describedAs = $"the file '{file.RelativePath}'";
            var content = File.ReadAllBytes(file.FullPath);
            var executable = Workspace.HasExecutableBit(file.FullPath);
            bool renderContents;
            string path;
            if (withoutRender?.Match(file.RelativePath).HasMatches == true)
            {
                // copyWithoutRender: the file is copied exactly, its name included (as Backstage does).
                renderContents = false;
                path = file.RelativePath;
            }
            else
            {
                var name = file.RelativePath;
                renderContents = withoutTemplating?.Match(file.RelativePath).HasMatches != true;
                if (extension is not null)
                {
                    renderContents = name.EndsWith(extension, StringComparison.Ordinal);
                    name = renderContents ? name[..^extension.Length] : name;
                }
                path = TemplateText.Render(name, model, $"the file name '{file.RelativePath}'", cookiecutter);
            }
            if (path.Split('/').Any(segment => segment.Trim().Length == 0) || path.EndsWith('/'))
            {
                // A name that renders empty (e.g. {% if values.docs %}docs{% endif %}) means "leave this file out".
                context.Log($"Skipped {file.RelativePath}: its name renders empty.");
                continue;
            }
            var target = Workspace.Join(targetPath, path, describedAs);
            if (!renderContents || Skeleton.IsBinary(content))
            {
                context.Workspace.Write(target, content, describedAs, executable);
                continue;
            }
            var text = TemplateText.RenderFile(path, Encoding.UTF8.GetString(content), model, describedAs, cookiecutter);
            context.Workspace.Write(target, Encoding.UTF8.GetBytes(text), describedAs, executable);
            rendered++;
        }
        context.Log($"Rendered {rendered} of {files.Count} files from {url} into {(targetPath == "." ? "the workspace" : targetPath)}.");
        return Task.FromResult(new JsonObject());
    }

    private static Matcher? Globs(IReadOnlyList<string> globs)
    {
        if (globs.Count == 0)
        {
            return null;
        }
        var matcher = new Matcher(StringComparison.Ordinal);
        foreach (var glob in globs)
        {
            matcher.AddInclude(glob.StartsWith("./", StringComparison.Ordinal) ? glob[2..] : glob.TrimStart('/'));
        }
        return matcher;
    }
}
