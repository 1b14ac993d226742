using System.Diagnostics;

namespace Portal.Web.Infrastructure.Git;

/// <summary>
/// Runs the real git with the portal's safety settings: no <c>ext::</c> transports that run
/// commands, no prompts, no system config; a timeout, and the process tree killed on cancel.
/// </summary>
public static class GitCli
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);

    /// <summary>Runs <c>git args</c> in <paramref name="workingDirectory"/> and returns its standard output.</summary>
    public static Task<string> RunAsync(string workingDirectory, CancellationToken cancellationToken, params string[] args) =>
        RunAsync(workingDirectory, null, cancellationToken, args);

    /// <summary>
    /// The same with extra environment variables, e.g. GIT_CONFIG_COUNT/KEY/VALUE for a credential header that must
    /// not appear on a command line (other users of the machine can read those).
    /// </summary>
    public static async Task<string> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string>? environment, CancellationToken cancellationToken,
        params string[] args)
    {
        var start = StartInfo(workingDirectory, args);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }
        Process? started;
        try
        {
            started = Process.Start(start);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new GitException("git is not installed on the portal's machine; install it (Debian/Ubuntu: apt-get install git).");
        }
        using var process = started ?? throw new GitException("git could not be started.");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(DefaultTimeout);
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
            throw new GitException($"git {CommandOf(args)} took longer than {DefaultTimeout.TotalMinutes:0} minutes.");
        }
        var output = await stdout;
        if (process.ExitCode != 0)
        {
            throw new GitException($"git {CommandOf(args)} failed: {(await stderr).Trim()}");
        }
        return output;
    }

    /// <summary>
    /// Runs <c>git args</c> and returns at most <paramref name="maxBytes"/> bytes of its standard output, as bytes (a blob
    /// may be binary); null when there is more. Meant for short reads such as <c>cat-file blob</c> of a size already checked.
    /// </summary>
    public static async Task<byte[]?> ReadBytesAsync(string workingDirectory, int maxBytes, CancellationToken cancellationToken, params string[] args)
    {
        var start = StartInfo(workingDirectory, args);
        using var process = Process.Start(start) ?? throw new GitException("git could not be started.");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(DefaultTimeout);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        var tooLong = false;
        try
        {
            int read;
            while ((read = await process.StandardOutput.BaseStream.ReadAsync(chunk, timeout.Token)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    tooLong = true;
                    process.Kill(entireProcessTree: true);
                    break;
                }
                buffer.Write(chunk, 0, read);
            }
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            throw new GitException($"git {CommandOf(args)} took longer than {DefaultTimeout.TotalMinutes:0} minutes.");
        }
        if (tooLong)
        {
            return null;
        }
        if (process.ExitCode != 0)
        {
            throw new GitException($"git {CommandOf(args)} failed: {(await stderr).Trim()}");
        }
        return buffer.ToArray();
    }

    /// <summary>The git command in an argument list, past any leading <c>-c name=value</c> and other options.</summary>
    private static string CommandOf(string[] args)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] is "-c" or "-C" or "--git-dir")
            {
                i++;
                continue;
            }
            if (!args[i].StartsWith('-'))
            {
                return args[i];
            }
        }
        return args.FirstOrDefault() ?? "";
    }
    /// <summary>git with the safety settings every call shares: no <c>ext::</c>, only the usual transports, no prompts, no system config.</summary>
    private static ProcessStartInfo StartInfo(string workingDirectory, string[] args)
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
        return start;
    }
}
