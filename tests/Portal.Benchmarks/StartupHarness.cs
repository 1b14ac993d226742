using System.Diagnostics;
using System.Globalization;
using Portal.TestSupport;

namespace Portal.Benchmarks;

/// <summary>
/// Start-up time of the real portal process to <c>/health/ready</c>:
/// <code>dotnet run -c Release --project tests/Portal.Benchmarks -- startup [--runs 7] [--dll path/to/Portal.Web.dll]</code>
/// One cold start on a fresh embedded data folder (initdb, migrations, demo organisation), then warm restarts on that
/// folder (the everyday <c>dotnet run</c>), each stopped with SIGINT before the next. Reports the cold time and the median
/// and spread of the warm ones. <c>--dll</c> runs another build of the portal (e.g. a baseline worktree) for a paired comparison.
/// </summary>
public static class StartupHarness
{
    private const string Command = "dotnet run -c Release --project tests/Portal.Benchmarks -- startup";

    public static async Task<int> RunAsync(string[] args)
    {
        var runs = HarnessArgs.Number(args, "--runs", 7);
        var at = Array.IndexOf(args, "--dll");
        if (at >= 0 && at + 1 < args.Length)
        {
            Environment.SetEnvironmentVariable(PortalProcess.DllVariable, Path.GetFullPath(args[at + 1]));
        }
        var dir = TestCluster.NewDataDirectory("startup-bench");
        try
        {
            var cold = await StartAndStopAsync(dir);
            var warm = new List<double>();
            for (var i = 0; i < runs; i++)
            {
                warm.Add(await StartAndStopAsync(dir));
            }
            warm.Sort();
            Console.WriteLine($"{Command} --runs {runs}{(at >= 0 ? " --dll " + args[at + 1] : "")}");
            Console.WriteLine($"portal: {PortalProcess.PortalDll()}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"cold start (initdb, migrations, demo data): {cold:0} ms; warm start median {warm[warm.Count / 2]:0} ms (min {warm[0]:0}, max {warm[^1]:0}, n={runs})"));
            return 0;
        }
        finally
        {
            TestCluster.TryDelete(dir);
        }
    }

    /// <summary>Milliseconds from launching the process until <c>/health/ready</c> answers 200; then a clean stop.</summary>
    private static async Task<double> StartAndStopAsync(string dir)
    {
        var watch = Stopwatch.StartNew();
        await using var portal = PortalProcess.Launch(dir);
        using var http = new HttpClient { BaseAddress = portal.BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        while (true)
        {
            if (portal.HasExited)
            {
                throw new InvalidOperationException($"The portal exited with code {portal.ExitCode}:\n{portal.Output}");
            }
            try
            {
                if ((await http.GetAsync(new Uri("health/ready", UriKind.Relative))).IsSuccessStatusCode)
                {
                    return watch.Elapsed.TotalMilliseconds;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // not listening yet
            }
            if (watch.Elapsed > TimeSpan.FromMinutes(3))
            {
                throw new TimeoutException("The portal did not become ready within 3 minutes:\n" + portal.Output);
            }
            await Task.Delay(10); // 10 ms resolution: start-up takes seconds
        }
    }
}
