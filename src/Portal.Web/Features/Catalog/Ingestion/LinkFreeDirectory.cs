using Microsoft.Extensions.FileSystemGlobbing.Abstractions;

namespace Portal.Web.Features.Catalog.Ingestion;

/// <summary>
/// A folder as the glob matcher sees it, without following folder links: a link (to a folder or a file) is offered
/// as a file, so a glob that matches it reports it (and the reader refuses it), and <c>rootdir -> /</c> is never
/// walked into. The matcher still prunes by the pattern's fixed parts, as with its own wrapper.
/// </summary>
public sealed class LinkFreeDirectory(DirectoryInfo directory, LinkFreeDirectory? parent = null) : DirectoryInfoBase
{
    public override string Name => directory.Name;

    public override string FullName => directory.FullName;

    public override DirectoryInfoBase? ParentDirectory => parent ?? (directory.Parent is { } up ? new LinkFreeDirectory(up) : null);

    public override IEnumerable<FileSystemInfoBase> EnumerateFileSystemInfos()
    {
        if (!directory.Exists)
        {
            yield break;
        }
        IEnumerable<FileSystemInfo> entries;
        try
        {
            entries = directory.EnumerateFileSystemInfos().ToList();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            yield break;
        }
        foreach (var entry in entries)
        {
            if (entry is DirectoryInfo sub && sub.LinkTarget is null)
            {
                yield return new LinkFreeDirectory(sub, this);
            }
            else
            {
                yield return new FileInfoWrapper(new FileInfo(entry.FullName));
            }
        }
    }

    public override DirectoryInfoBase? GetDirectory(string path)
    {
        if (path == "..")
        {
            return ParentDirectory;
        }
        var sub = new DirectoryInfo(Path.Combine(FullName, path));
        // A folder link named literally in the pattern is not entered either.
        return sub.LinkTarget is null ? new LinkFreeDirectory(sub, this) : null;
    }

    public override FileInfoBase GetFile(string path) => new FileInfoWrapper(new FileInfo(Path.Combine(FullName, path)));
}
