namespace Portal.Web.Infrastructure.Files;

/// <summary>
/// A working folder that is held, while in use, by a locked <c>&lt;folder&gt;.lock</c> file beside it (not inside: a
/// publish folder's content is committed as it is). What a crash leaves, a start removes: folders whose lock nobody
/// holds. Several portals may share the parent; a folder another one holds is kept.
/// </summary>
public static class ScratchFolder
{
    /// <summary>Takes the folder's lock (waiting for nobody: the caller owns the name, e.g. a task id); dispose to release it.</summary>
    public static IDisposable Hold(string folder)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(folder))!);
        return new FileStream(folder.TrimEnd('/') + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
    }

    /// <summary>Removes the folders under <paramref name="parent"/> that no running portal holds; returns how many.</summary>
    public static int CleanAbandoned(string parent)
    {
        if (!Directory.Exists(parent))
        {
            return 0;
        }
        var started = System.Diagnostics.Process.GetCurrentProcess().StartTime.ToUniversalTime();
        var removed = 0;
        foreach (var folder in Directory.EnumerateDirectories(parent))
        {
            var lockFile = folder + ".lock";
            if (new DirectoryInfo(folder).LinkTarget is not null
                || (File.Exists(lockFile) ? PortalTempFolder.IsLocked(lockFile) : Directory.GetLastWriteTimeUtc(folder) >= started))
            {
                continue;
            }
            try
            {
                Directory.Delete(folder, recursive: true);
                File.Delete(lockFile);
                removed++;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Taken again meanwhile, or not ours to delete: left for the next start.
            }
        }
        return removed;
    }
}
