using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace Portal.Web.Features.Catalog.Ingestion;

/// <summary>
/// Keeps a shallow checkout of a git repository in the cache: cloned on first use, fetched and
/// reset afterwards. Runs the real git; only https, ssh, git and local repositories are allowed
/// (no <c>ext::</c> transports that run commands).
/// </summary>
public static class GitMirror
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    public static async Task<string> SyncAsync(string url, string? branch, string cacheRoot, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(url) || url.StartsWith('-'))
        {
            throw new LocationException("The repository URL is empty or not a URL.");
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
        if (Directory.Exists(Path.Combine(checkout, ".git")))
        {
            await GitAsync(checkout, cancellationToken, "fetch", "--depth", "1", "origin", branch ?? "HEAD");
            await GitAsync(checkout, cancellationToken, "reset", "--hard", "FETCH_HEAD");
            await GitAsync(checkout, cancellationToken, "clean", "-fdx");
        }
        else
        {
            if (Directory.Exists(checkout))
            {
                Directory.Delete(checkout, recursive: true);
            }
            var args = new List<string> { "clone", "--depth", "1", "--no-tags" };
            if (branch is not null)
            {
                args.AddRange(["--branch", branch]);
            }
            args.AddRange(["--", url, checkout]);
            await GitAsync(cacheRoot, cancellationToken, [.. args]);
        }
        return checkout;
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

    private static async Task GitAsync(string workingDirectory, CancellationToken cancellationToken, params string[] args)
    {
        var start = new ProcessStartInfo("git")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("protocol.ext.allow=never");
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        start.Environment["GIT_ALLOW_PROTOCOL"] = "https:ssh:git:file";
        start.Environment["GIT_TERMINAL_PROMPT"] = "0";
        start.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        Process? started;
        try
        {
            started = Process.Start(start);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new LocationException("git is not installed on the portal's machine; install it (Debian/Ubuntu: apt-get install git) to use git locations.");
        }
        using var process = started ?? throw new LocationException("git could not be started.");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            throw new LocationException($"git {args[0]} took longer than {Timeout.TotalMinutes:0} minutes.");
        }
        await stdout;
        if (process.ExitCode != 0)
        {
            var message = (await stderr).Trim();
            throw new LocationException($"git {args[0]} failed: {message}");
        }
    }
}
