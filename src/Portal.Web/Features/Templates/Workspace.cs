namespace Portal.Web.Features.Templates;

/// <summary>
/// The files a run produces, held in memory: a dry-run is this and nothing else, and a real run writes it out only
/// when it publishes. Every path is relative and stays inside the workspace.
/// </summary>
public sealed class Workspace
{
    public const long MaxBytes = 100L * 1024 * 1024;
    public const int MaxFiles = 20_000;

    private const UnixFileMode ExecutableMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private readonly SortedDictionary<string, byte[]> _files = new(StringComparer.Ordinal);
    private readonly HashSet<string> _executable = new(StringComparer.Ordinal);
    private long _bytes;

    public IReadOnlyDictionary<string, byte[]> Files => _files;

    /// <summary>True when the file keeps an executable bit from its skeleton (a script: git records it as 100755).</summary>
    public bool IsExecutable(string path) => _executable.Contains(path);

    public void Write(string path, byte[] content, string describedAs, bool executable = false)
    {
        var safe = SafePath(path, describedAs);
        if (_files.TryGetValue(safe, out var previous))
        {
            _bytes -= previous.Length;
        }
        else if (_files.Count >= MaxFiles)
        {
            throw new TemplateRenderException($"The template makes more than {MaxFiles} files.");
        }
        _bytes += content.Length;
        if (_bytes > MaxBytes)
        {
            throw new TemplateRenderException($"The template makes more than {MaxBytes / (1024 * 1024)} MB of files.");
        }
        _files[safe] = content;
        if (executable)
        {
            _executable.Add(safe);
        }
        else
        {
            _executable.Remove(safe);
        }
    }

    /// <summary>Removes a file; false when there is none.</summary>
    public bool Delete(string path)
    {
        var safe = SafePath(path, path);
        if (!_files.Remove(safe, out var content))
        {
            return false;
        }
        _bytes -= content.Length;
        _executable.Remove(safe);
        return true;
    }

    /// <summary>The files at <paramref name="path"/>: the file itself, or every file in the folder of that name.</summary>
    public IReadOnlyList<string> FilesAt(string path)
    {
        var safe = SafePath(path, path);
        return _files.Keys.Where(k => k == safe || k.StartsWith(safe + "/", StringComparison.Ordinal)).ToList();
    }

    /// <summary>Whether a file on disk has its owner's executable bit (always false where the OS has no modes).</summary>
    public static bool HasExecutableBit(string fullPath) =>
        !OperatingSystem.IsWindows() && File.GetUnixFileMode(fullPath).HasFlag(UnixFileMode.UserExecute);

    /// <summary>Writes the workspace (or one folder of it) to disk under <paramref name="directory"/>.</summary>
    public void WriteTo(string directory, string? sourcePath = null)
    {
        var prefix = string.IsNullOrEmpty(sourcePath) || sourcePath == "." ? "" : SafePath(sourcePath, "sourcePath") + "/";
        var root = Path.GetFullPath(directory);
        foreach (var (path, content) in _files)
        {
            if (!path.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }
            var target = Path.GetFullPath(Path.Combine(root, path[prefix.Length..]));
            if (!target.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                throw new TemplateSecurityException($"'{path}' would be written outside the workspace.");
            }
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.WriteAllBytes(target, content);
            if (_executable.Contains(path) && !OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(target, ExecutableMode);
            }
        }
    }

    /// <summary>
    /// A rendered path made safe: forward slashes, no empty or <c>.</c> segments. An absolute path, a <c>..</c>
    /// segment, a drive letter or a control character is refused with an error naming the file.
    /// </summary>
    public static string SafePath(string path, string describedAs)
    {
        var unified = path.Replace('\\', '/');
        if (unified.Any(char.IsControl))
        {
            throw new TemplateSecurityException($"{describedAs}: the path has a control character; a template may only write plain file names.");
        }
        if (unified.StartsWith('/') || (unified.Length >= 2 && unified[1] == ':'))
        {
            throw new TemplateSecurityException($"{describedAs}: '{path}' is an absolute path; a template may only write inside its workspace.");
        }
        var segments = new List<string>();
        foreach (var segment in unified.Split('/'))
        {
            if (segment is "" or ".")
            {
                continue;
            }
            if (segment.Trim() == "..")
            {
                throw new TemplateSecurityException($"{describedAs}: '{path}' leaves the workspace ('..'); a template may only write inside its workspace.");
            }
            segments.Add(segment);
        }
        return string.Join('/', segments);
    }

    /// <summary>Joins a target folder and a relative file path, both checked.</summary>
    public static string Join(string targetPath, string relative, string describedAs)
    {
        var folder = SafePath(targetPath, describedAs);
        var file = SafePath(relative, describedAs);
        return folder.Length == 0 ? file : $"{folder}/{file}";
    }
}
