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
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(url + "#" + branch)))[..24];
        var checkout = Path.Combine(cacheRoot, key);
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
        return checkout;
    }

    /// <summary>
    /// The files the repository records as symbolic links (mode 120000), by full path. Checked out as plain files, they
    /// hold their target's path as text; readers refuse them by name rather than take that text for content.
    /// </summary>
    public static async Task<IReadOnlySet<string>> SymlinksAsync(string checkout, CancellationToken cancellationToken)
    {
        var root = Path.GetFullPath(checkout);
        string listing;
        try
        {
            listing = await GitCli.RunAsync(root, cancellationToken, "-c", "core.quotepath=off", "ls-files", "--stage", "-z");
        }
        catch (GitException ex)
        {
            throw new LocationException(LocationCredentials.Redact(ex.Message));
        }
        var links = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in listing.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            // "<mode> <object> <stage>\t<path>"
            var tab = entry.IndexOf('\t', StringComparison.Ordinal);
            if (tab > 0 && entry.StartsWith("120000 ", StringComparison.Ordinal))
            {
                links.Add(Path.GetFullPath(Path.Combine(root, entry[(tab + 1)..])));
            }
        }
        return links;
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
