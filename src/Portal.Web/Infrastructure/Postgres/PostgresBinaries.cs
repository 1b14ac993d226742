using System.Diagnostics;

namespace Portal.Web.Infrastructure.Postgres;

/// <summary>Finds the PostgreSQL server binaries (initdb, pg_ctl, postgres) on this machine.</summary>
public static class PostgresBinaries
{
    public const string NotFoundMessage =
        "Portal could not find the PostgreSQL server binaries (initdb, pg_ctl) to start its embedded database. " +
        "Fix it in one of two ways: install PostgreSQL 15 or newer (Debian/Ubuntu: sudo apt-get install -y postgresql), " +
        "or point the portal at an existing database by setting ConnectionStrings:Portal " +
        "(environment variable ConnectionStrings__Portal).";

    /// <summary>
    /// Search order: an explicit folder, <c>pg_config --bindir</c>, the PATH, then
    /// <c>/usr/lib/postgresql/*/bin</c> newest version first.
    /// </summary>
    public static string? Find(string? configuredDirectory, IEnumerable<string>? searchRoots = null)
    {
        foreach (var candidate in Candidates(configuredDirectory, searchRoots))
        {
            if (HasServerBinaries(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    public static bool HasServerBinaries(string directory) =>
        File.Exists(Path.Combine(directory, "initdb")) && File.Exists(Path.Combine(directory, "pg_ctl"));

    private static IEnumerable<string> Candidates(string? configuredDirectory, IEnumerable<string>? searchRoots)
    {
        if (!string.IsNullOrWhiteSpace(configuredDirectory))
        {
            // An explicit setting is the only candidate: silently falling back would hide a typo.
            yield return configuredDirectory;
            yield break;
        }

        if (searchRoots is null)
        {
            var fromPgConfig = PgConfigBinDir();
            if (fromPgConfig is not null)
            {
                yield return fromPgConfig;
            }

            foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                yield return dir;
            }
        }

        foreach (var root in searchRoots ?? ["/usr/lib/postgresql"])
        {
            if (!Directory.Exists(root))
            {
                continue;
            }
            var versions = Directory.GetDirectories(root)
                .Select(d => (dir: d, version: ParseVersion(Path.GetFileName(d))))
                .Where(v => v.version is not null)
                .OrderByDescending(v => v.version);
            foreach (var (dir, _) in versions)
            {
                yield return Path.Combine(dir, "bin");
            }
        }
    }

    internal static Version? ParseVersion(string name) =>
        Version.TryParse(name.Contains('.', StringComparison.Ordinal) ? name : name + ".0", out var v) ? v : null;

    private static string? PgConfigBinDir()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("pg_config", "--bindir")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return null;
            }
            var output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            return process.ExitCode == 0 && output.Length > 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // pg_config is not installed
        }
    }
}
