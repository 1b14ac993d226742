using System.Globalization;
using System.Text.RegularExpressions;

namespace Portal.Web.Features.Templates;

/// <summary>One entry of a repository's tree: a file (<c>blob</c>), folder (<c>tree</c>), symbolic link or submodule.</summary>
public sealed record RepositoryEntry(string Path, string Type, long? Size);

/// <summary>
/// The pure rules of the repository view: which paths may be asked for, how <c>git ls-tree -z</c> output reads, and
/// what a file is shown as. Paths are only ever looked up in the commit's tree (never on disk), so these checks are the
/// first of two fences against <c>../</c>.
/// </summary>
public static partial class RepositoryListing
{
    /// <summary>The most tree entries listed; a bigger repository is listed up to here and marked truncated.</summary>
    public const int MaxEntries = 5000;

    /// <summary>The largest file shown; a bigger one is listed with its size and not read.</summary>
    public const int MaxFileBytes = 512 * 1024;

    public const int MaxPathLength = 1000;

    /// <summary>Why a requested path is refused, or null when it is a plain relative path inside the repository.</summary>
    public static string? PathProblem(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return "Give the path of a file in the repository.";
        }
        if (path.Length > MaxPathLength)
        {
            return $"The path is longer than {MaxPathLength} characters.";
        }
        if (path.Any(char.IsControl))
        {
            return "The path contains a control character.";
        }
        if (path.StartsWith('/') || path.Contains('\\', StringComparison.Ordinal))
        {
            return $"'{path}' is not a relative path with '/' between its parts.";
        }
        if (path.Split('/').Any(part => part is "" or "." or ".."))
        {
            return $"'{path}' is not allowed: a path inside the repository has no empty, '.' or '..' parts.";
        }
        return null;
    }

    /// <summary>
    /// Reads <c>git ls-tree -r -t -l -z</c>: <c>&lt;mode&gt; &lt;type&gt; &lt;object&gt; &lt;size&gt;\t&lt;path&gt;\0</c>, the size
    /// padded and <c>-</c> for folders. Returns at most <paramref name="max"/> entries and whether there were more.
    /// </summary>
    public static (IReadOnlyList<(RepositoryEntry Entry, string Object)> Entries, bool Truncated) ParseLsTree(string output, int max = MaxEntries)
    {
        var entries = new List<(RepositoryEntry, string)>();
        foreach (var record in output.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            var tab = record.IndexOf('\t', StringComparison.Ordinal);
            if (tab < 0)
            {
                continue;
            }
            var fields = record[..tab].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 4)
            {
                continue;
            }
            if (entries.Count == max)
            {
                return (entries, true);
            }
            var type = fields[0] switch
            {
                "120000" => "symlink",
                "160000" => "submodule",
                _ when fields[1] == "tree" => "tree",
                _ => "blob",
            };
            long? size = long.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : null;
            entries.Add((new RepositoryEntry(record[(tab + 1)..], type, size), fields[2]));
        }
        return (entries, false);
    }

    /// <summary>The README shown first: one at the root, Markdown preferred.</summary>
    public static string? Readme(IEnumerable<RepositoryEntry> entries) => entries
        .Where(e => e.Type == "blob" && !e.Path.Contains('/', StringComparison.Ordinal) && ReadmeName().IsMatch(e.Path))
        .OrderBy(e => IsMarkdown(e.Path) ? 0 : 1).ThenBy(e => e.Path, StringComparer.Ordinal)
        .Select(e => e.Path).FirstOrDefault();

    public static bool IsMarkdown(string path) =>
        path.EndsWith(".md", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".markdown", StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex(@"^readme(\.(md|markdown|txt|rst))?$", RegexOptions.IgnoreCase)]
    private static partial Regex ReadmeName();
}
