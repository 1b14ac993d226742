using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.FileSystemGlobbing;

namespace Portal.Web.Features.Templates.Actions;

/// <summary>
/// Reads a template's skeleton folder: only beside the template's own file, never through a symlink, never a URL
/// (templates make no network calls).
/// </summary>
public static class Skeleton
{
    public sealed record SkeletonFile(string RelativePath, string FullPath);

    public static IReadOnlyList<SkeletonFile> Read(TemplateDefinition template, string url)
    {
        if (url.Contains("://", StringComparison.Ordinal))
        {
            throw new TemplateSecurityException($"fetch: '{url}' is a URL; templates fetch only folders beside the template file (e.g. ./skeleton).");
        }
        var baseDirectory = template.BaseDirectory
            ?? throw new TemplateRenderException($"The template {template.EntityRef} was not read from a file, so its skeleton cannot be found.");
        var root = Path.GetFullPath(baseDirectory);
        var folder = Path.GetFullPath(Path.Combine(root, url));
        if (folder != root && !folder.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new TemplateSecurityException($"fetch: '{url}' is outside the template's folder; a template may only read its own files.");
        }
        // A template from a git location: the files its repository records as links are checked out as plain files
        // holding the link's target; they are refused like links, not copied as if they were the skeleton's content.
        var gitLinks = Catalog.Ingestion.GitMirror.RecordedLinksAround(root);
        // The folder itself (and every folder between it and the template's) must not be a link either.
        for (var at = folder; at.Length > root.Length; at = Path.GetDirectoryName(at)!)
        {
            if (new DirectoryInfo(at).LinkTarget is not null || new FileInfo(at).LinkTarget is not null || gitLinks.Contains(at))
            {
                throw new TemplateSecurityException($"The skeleton path '{Path.GetRelativePath(root, at)}' is a symbolic link; links are not allowed in skeletons.");
            }
        }
        if (File.Exists(folder))
        {
            CheckNotLink(new FileInfo(folder), Path.GetFileName(folder), gitLinks);
            return [new SkeletonFile(Path.GetFileName(folder), folder)];
        }
        if (!Directory.Exists(folder))
        {
            throw new TemplateRenderException($"fetch: the folder '{url}' does not exist beside the template.");
        }
        var files = new List<SkeletonFile>();
        Walk(new DirectoryInfo(folder), "", files, gitLinks);
        return files;
    }

    private static void Walk(DirectoryInfo directory, string relative, List<SkeletonFile> files, IReadOnlySet<string> gitLinks)
    {
        foreach (var entry in directory.EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            var path = relative.Length == 0 ? entry.Name : $"{relative}/{entry.Name}";
            CheckNotLink(entry, path, gitLinks);
            if (entry is DirectoryInfo sub)
            {
                Walk(sub, path, files, gitLinks);
            }
            else
            {
                files.Add(new SkeletonFile(path, entry.FullName));
                if (files.Count > Workspace.MaxFiles)
                {
                    throw new TemplateRenderException($"The skeleton has more than {Workspace.MaxFiles} files.");
                }
            }
        }
    }

    // A symlink could point anywhere on the portal's disk; skeletons are refused rather than followed.
    private static void CheckNotLink(FileSystemInfo entry, string path, IReadOnlySet<string> gitLinks)
    {
        if (entry.LinkTarget is not null || gitLinks.Contains(entry.FullName))
        {
            throw new TemplateSecurityException($"The skeleton file '{path}' is a symbolic link; links are not allowed in skeletons.");
        }
    }

    /// <summary>A file that is not UTF-8 text (or has NUL bytes) is copied as it is.</summary>
    public static bool IsBinary(byte[] content)
    {
        if (content.AsSpan(0, Math.Min(content.Length, 8000)).Contains((byte)0))
        {
            return true;
        }
        try
        {
            _ = new UTF8Encoding(false, throwOnInvalidBytes: true).GetCharCount(content);
            return false;
        }
        catch (DecoderFallbackException)
        {
            return true;
        }
    }
}

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
                $"the file '{file.RelativePath}'");
        }
        context.Log($"Copied {files.Count} files from {url}.");
        return Task.FromResult(new JsonObject());
    }
}
