using System.Diagnostics;

namespace Portal.Web.Infrastructure.Files;

/// <summary>
/// The portal's own folder for temporary files (uploads spooled to disk, converted imports, ASP.NET Core's form
/// buffering). Each process works in a <c>portal-session-*</c> folder below it and holds that folder's lock file
/// for as long as it runs; at start, sessions whose lock nobody holds any more (a crash, a kill -9) are removed.
/// Nothing else in the folder, and nothing outside it, is ever touched, so cleaning cannot delete another program's files.
/// </summary>
public static class PortalTempFolder
{
    public const string Setting = "Portal:TempDirectory";
    public const string SessionPrefix = "portal-session-";
    private const string LockName = ".lock";

    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, string> Sessions = new(StringComparer.Ordinal);
    // The lock files stay open for the process's lifetime: an open, locked file is what marks a session as alive.
    private static readonly List<FileStream> HeldLocks = [];
    private static string _root = DefaultRoot();

    public static string DefaultRoot() => Path.Combine(Path.GetTempPath(), "portal-temp");

    public static string Root => _root;

    public static void Use(string root) => _root = Path.GetFullPath(root);

    /// <summary>This process's session folder under <see cref="Root"/>, made and locked on first use.</summary>
    public static string SessionFolder()
    {
        lock (Gate)
        {
            if (Sessions.TryGetValue(_root, out var existing) && Directory.Exists(existing))
            {
                return existing;
            }
            var folder = Path.Combine(_root, $"{SessionPrefix}{Environment.ProcessId}-{Guid.NewGuid():N}");
            Directory.CreateDirectory(folder);
            HeldLocks.Add(new FileStream(Path.Combine(folder, LockName), FileMode.Create, FileAccess.ReadWrite, FileShare.None));
            Sessions[_root] = folder;
            return folder;
        }
    }

    /// <summary>A new file name in this process's session folder (the file is not created).</summary>
    public static string NewFilePath(string extension = ".tmp") => Path.Combine(SessionFolder(), Guid.NewGuid().ToString("N") + extension);

    /// <summary>
    /// Removes the session folders under <paramref name="root"/> that no running portal holds: their lock can be taken,
    /// or (a crash before the lock was made) they have none and are older than this process.
    /// </summary>
    /// <returns>How many session folders were removed.</returns>
    public static int CleanLeftovers(string root)
    {
        if (!Directory.Exists(root))
        {
            return 0;
        }
        var started = Process.GetCurrentProcess().StartTime.ToUniversalTime();
        var removed = 0;
        foreach (var folder in Directory.EnumerateDirectories(root, SessionPrefix + "*"))
        {
            if (new DirectoryInfo(folder).LinkTarget is not null || IsHeld(folder, started))
            {
                continue;
            }
            try
            {
                Directory.Delete(folder, recursive: true);
                removed++;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Another portal cleaning at the same moment, or a file we may not delete: left for the next start.
            }
        }
        return removed;
    }

    private static bool IsHeld(string folder, DateTime processStartedUtc)
    {
        var lockFile = Path.Combine(folder, LockName);
        return File.Exists(lockFile) ? IsLocked(lockFile) : Directory.GetLastWriteTimeUtc(folder) >= processStartedUtc;
    }

    /// <summary>Whether a running process (this one included) holds the lock file open.</summary>
    public static bool IsLocked(string lockFile)
    {
        try
        {
            using var taken = new FileStream(lockFile, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            return false;
        }
        catch (IOException)
        {
            return true; // a running portal holds it
        }
        catch (UnauthorizedAccessException)
        {
            return true; // not ours to judge
        }
    }
}
