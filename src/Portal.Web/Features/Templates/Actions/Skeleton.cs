using System.Text;

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
