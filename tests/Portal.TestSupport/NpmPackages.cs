namespace Portal.TestSupport;

/// <summary>
/// Command-line tools the tests run from the npm registry (the OpenAPI linter), installed the way CI would: Node.js and
/// npm from Debian's packages when missing (<see cref="TestPrerequisites.Ensure"/>), then the package at a pinned version
/// into a folder of its own under the test root, once per machine.
/// </summary>
public static class NpmPackages
{
    private static readonly string Root = Path.Combine(Path.GetTempPath(), "portal-tests-npm");

    /// <summary>Installs <paramref name="package"/>@<paramref name="version"/> if needed and returns its folder (with node_modules/).</summary>
    public static string Ensure(string package, string version)
    {
        TestPrerequisites.Ensure("nodejs", "Node.js (node)", () => OnPath("node"));
        TestPrerequisites.Ensure("npm", "npm", () => OnPath("npm"));
        var folder = Path.Combine(Root, $"{package.Replace('/', '+').TrimStart('@')}-{version}");
        var marker = Path.Combine(folder, "installed");
        if (File.Exists(marker))
        {
            return folder;
        }
        Directory.CreateDirectory(folder);
        // Test processes run side by side: one installs, the others wait for the lock and then see the marker.
        using var installLock = ToolProcess.Lock(Path.Combine(Root, "install.lock"));
        if (File.Exists(marker))
        {
            return folder;
        }
        var (exit, stdout, stderr) = Run("npm", folder, "install", "--no-audit", "--no-fund", "--loglevel=error", "--prefix", folder, $"{package}@{version}");
        if (exit != 0)
        {
            throw new InvalidOperationException($"'npm install {package}@{version}' failed ({exit}): {stdout}{stderr}");
        }
        File.WriteAllText(marker, $"{package}@{version}");
        return folder;
    }

    /// <summary>Runs a program (npm, node) with no usage reports or update checks, for at most 5 minutes.</summary>
    public static (int ExitCode, string Stdout, string Stderr) Run(string file, string workingDirectory, params string[] args) =>
        ToolProcess.Run(file, workingDirectory, TimeSpan.FromMinutes(5), QuietTools, args);

    private static readonly Dictionary<string, string> QuietTools = new()
    {
        ["REDOCLY_TELEMETRY"] = "off", ["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true", ["NO_UPDATE_NOTIFIER"] = "1",
    };

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Any(dir => File.Exists(Path.Combine(dir, program)));
}
