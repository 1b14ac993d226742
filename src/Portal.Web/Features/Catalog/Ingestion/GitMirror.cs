using System.Security.Cryptography;
using System.Text;
using Portal.Web.Infrastructure.Git;

namespace Portal.Web.Features.Catalog.Ingestion;

/// <summary>
/// Keeps a shallow checkout of a git repository in the cache: cloned on first use, fetched and
/// reset afterwards. Runs the real git; only https, ssh, git and local repositories are allowed
/// (no <c>ext::</c> transports that run commands). Checkouts are made with <c>core.symlinks=false</c>: a catalog
/// needs no links, and a link in a repository must never make the portal read a file of its own machine.
/// </summary>
public static class GitMirror
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    /// <summary>Where a repository's branch is checked out under <paramref name="cacheRoot"/>: one folder per URL and branch.</summary>
    public static string CheckoutPath(string url, string? branch, string cacheRoot) =>
        Path.Combine(cacheRoot, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(url + "#" + branch)))[..24]);

    /// <param name="environment">For git's environment, e.g. a configured credential (<see cref="LocationCredentials.GitEnvironment"/>).</param>
    public static async Task<string> SyncAsync(string url, string? branch, string cacheRoot, IReadOnlyDictionary<string, string>? environment,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(url) || url.StartsWith('-'))
        {
            throw new LocationException("The repository URL is empty or not a URL.");
        }
        if (LocationCredentials.Problem(url) is { } credentials)
        {
            throw new LocationException(credentials); // a location stored before credentials were refused
        }
        if (branch is not null && (branch.StartsWith('-') || branch.Contains("..", StringComparison.Ordinal)))
        {
            throw new LocationException($"'{branch}' is not a branch name.");
        }
        var checkout = CheckoutPath(url, branch, cacheRoot);
        Directory.CreateDirectory(cacheRoot);
        // One refresh at a time per repository: two jobs must not fetch into one checkout together.
        using var gate = await LockAsync(checkout + ".lock", cancellationToken);
        if (Directory.Exists(Path.Combine(checkout, ".git")) && !ChecksOutLinksAsFiles(checkout))
        {
            Directory.Delete(checkout, recursive: true); // cloned before links were checked out as files
        }
        if (Directory.Exists(Path.Combine(checkout, ".git")))
        {
            await GitAsync(checkout, environment, cancellationToken, "fetch", "--depth", "1", "origin", branch ?? "HEAD");
            await GitAsync(checkout, null, cancellationToken, "reset", "--hard", "FETCH_HEAD");
            await GitAsync(checkout, null, cancellationToken, "clean", "-fdx");
        }
        else
        {
            if (Directory.Exists(checkout))
            {
                Directory.Delete(checkout, recursive: true);
            }
            var args = new List<string> { "clone", "-c", "core.symlinks=false", "--depth", "1", "--no-tags" };
            if (branch is not null)
            {
                args.AddRange(["--branch", branch]);
            }
            args.AddRange(["--", url, checkout]);
            await GitAsync(cacheRoot, environment, cancellationToken, [.. args]);
        }
        await RecordLinksAsync(checkout, cancellationToken);
        return checkout;
    }

    private const string LinksFile = "portal-symlinks";

    /// <summary>
    /// Notes, inside the checkout's .git folder, which files the repository records as symbolic links (mode 120000).
    /// Checked out as plain files they hold their target's path as text; every reader of the checkout (locations,
    /// <c>$text</c>, template skeletons) refuses them by name instead of taking that text for content.
    /// </summary>
    private static async Task RecordLinksAsync(string checkout, CancellationToken cancellationToken)
    {
        string listing;
        try
        {
            listing = await GitCli.RunAsync(checkout, cancellationToken, "-c", "core.quotepath=off", "ls-files", "--stage", "-z");
        }
        catch (GitException ex)
        {
            throw new LocationException(LocationCredentials.Redact(ex.Message));
        }
        var links = new List<string>();
        foreach (var entry in listing.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            // "<mode> <object> <stage>\t<path>"
            var tab = entry.IndexOf('\t', StringComparison.Ordinal);
            if (tab > 0 && entry.StartsWith("120000 ", StringComparison.Ordinal))
            {
                links.Add(entry[(tab + 1)..]);
            }
        }
        await File.WriteAllTextAsync(Path.Combine(checkout, ".git", LinksFile), string.Join('\0', links), cancellationToken);
    }

    /// <summary>The files a checkout's repository records as symbolic links, by full path (none for a folder that is not a checkout).</summary>
    public static IReadOnlySet<string> RecordedLinks(string checkout)
    {
        var root = Path.GetFullPath(checkout);
        var file = Path.Combine(root, ".git", LinksFile);
        if (!File.Exists(file))
        {
            return new HashSet<string>(StringComparer.Ordinal);
        }
        return File.ReadAllText(file).Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Select(relative => Path.GetFullPath(Path.Combine(root, relative))).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The links recorded for the checkout that holds <paramref name="path"/> (a template's folder, say), if it is in one.</summary>
    public static IReadOnlySet<string> RecordedLinksAround(string path)
    {
        for (var at = Path.GetFullPath(path); !string.IsNullOrEmpty(at); at = Path.GetDirectoryName(at))
        {
            if (File.Exists(Path.Combine(at, ".git", LinksFile)))
            {
                return RecordedLinks(at);
            }
        }
        return new HashSet<string>(StringComparer.Ordinal);
    }

    private static bool ChecksOutLinksAsFiles(string checkout)
    {
        try
        {
            return File.ReadAllText(Path.Combine(checkout, ".git", "config")).Contains("symlinks = false", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static async Task<IDisposable> LockAsync(string path, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                await Task.Delay(200, cancellationToken);
            }
        }
    }

    private static async Task GitAsync(string workingDirectory, IReadOnlyDictionary<string, string>? environment, CancellationToken cancellationToken,
        params string[] args)
    {
        try
        {
            await GitCli.RunAsync(workingDirectory, environment, cancellationToken, args);
        }
        catch (GitException ex)
        {
            throw new LocationException(LocationCredentials.Redact(ex.Message));
        }
    }
}
