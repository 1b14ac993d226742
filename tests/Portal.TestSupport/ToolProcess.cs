using System.Diagnostics;

namespace Portal.TestSupport;

/// <summary>
/// The programs tests install or run beside the portal (apt-get, npm, node): run to the end within a time limit, and a
/// file lock so that test processes running side by side install once.
/// </summary>
public static class ToolProcess
{
    /// <summary>
    /// Runs <paramref name="file"/> and returns its exit code and output. A program still running after
    /// <paramref name="timeout"/> (a mirror that stopped answering, a lock held elsewhere) is killed with its children and
    /// fails the test that needed it with its last words, rather than holding the whole test run.
    /// </summary>
    public static (int ExitCode, string Stdout, string Stderr) Run(string file, string workingDirectory, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }
        using var process = Process.Start(start)!;
        // Both streams are read while waiting: a program that fills one pipe would otherwise never exit.
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            var said = string.Join(" | ", (ReadSoFar(stdout) + ReadSoFar(stderr)).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(3));
            throw new TimeoutException($"'{file} {string.Join(' ', args)}' did not finish within {timeout.TotalMinutes:0} minutes: {said}");
        }
        // A daemon the program started (an apt maintainer script's) may hold the pipes open after it exits.
        return (process.ExitCode, ReadSoFar(stdout), ReadSoFar(stderr));
    }

    private static string ReadSoFar(Task<string> output) => output.Wait(TimeSpan.FromSeconds(5)) ? output.Result : "";

    /// <summary>Takes an exclusive lock on <paramref name="path"/>, waiting up to 10 minutes while another test process holds it.</summary>
    public static FileStream Lock(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var deadline = DateTime.UtcNow.AddMinutes(10);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(500); // another test process is installing; a file lock has no wait handle to block on
            }
        }
    }
}
