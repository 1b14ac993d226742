namespace Portal.Web.Features.Templates;

/// <summary>
/// Sizing and deleting inside the <c>published</c> folder without ever leaving it: a symbolic link is measured as
/// nothing and removed as a link (its target is never read or deleted).
/// </summary>
public static class PublishedFolder
{
    /// <summary>The bytes of the files under <paramref name="path"/>, links not followed.</summary>
    public static long SizeOf(string path)
    {
        var info = new DirectoryInfo(path);
        if (info.LinkTarget is not null || !info.Exists)
        {
            return 0;
        }
        long bytes = 0;
        foreach (var child in info.EnumerateFileSystemInfos())
        {
            if (child.LinkTarget is not null)
            {
                continue;
            }
            bytes += child is FileInfo file ? file.Length : SizeOf(child.FullName);
        }
        return bytes;
    }

    /// <summary>Deletes a folder and what is in it; a link anywhere (the folder itself included) is unlinked, never followed.</summary>
    public static void DeleteTree(string path)
    {
        var info = new DirectoryInfo(path);
        if (info.LinkTarget is not null || !info.Exists)
        {
            File.Delete(path);
            return;
        }
        foreach (var child in info.EnumerateFileSystemInfos())
        {
            if (child.LinkTarget is not null || child is FileInfo)
            {
                File.Delete(child.FullName);
            }
            else
            {
                DeleteTree(child.FullName);
            }
        }
        Directory.Delete(path);
    }
}
