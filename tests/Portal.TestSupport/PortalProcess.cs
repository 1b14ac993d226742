using System.Diagnostics;
using System.Net;
using System.Text;

namespace Portal.TestSupport;

/// <summary>
/// The real portal as a separate process (<c>dotnet Portal.Web.dll</c>) on a free loopback port,
/// with its own embedded PostgreSQL, exactly as a user starts it.
/// </summary>
public sealed class PortalProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output;

    private PortalProcess(Process process, StringBuilder output, Uri baseAddress)
    {
        _process = process;
        _output = output;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }
    public int ProcessId => _process.Id;
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>A mark in the output (its length so far), for <see cref="ErrorLogLinesSince"/>.</summary>
    public int OutputMark
    {
        get
        {
            lock (_output)
            {
                return _output.Length;
            }
        }
    }

    /// <summary>
    /// The error- and critical-level log entries the portal wrote since <paramref name="mark"/> (its JSON console lines with
    /// <c>"LogLevel":"Error"</c> or <c>"Critical"</c>), as "Category: Message" with the exception's first line: the
    /// server-side exceptions a browser test must not cause.
    /// </summary>
    public IReadOnlyList<string> ErrorLogLinesSince(int mark)
    {
        string text;
        lock (_output)
        {
            text = mark >= _output.Length ? "" : _output.ToString(mark, _output.Length - mark);
        }
        var found = new List<string>();
        foreach (var line in text.Split('\n'))
        {
            if (!line.StartsWith('{') || !(line.Contains("\"LogLevel\":\"Error\"", StringComparison.Ordinal) || line.Contains("\"LogLevel\":\"Critical\"", StringComparison.Ordinal)))
            {
                continue;
            }
            try
            {
                using var entry = System.Text.Json.JsonDocument.Parse(line);
                var root = entry.RootElement;
                // The exception's first line and the portal's own frames: where to look.
                var exception = root.TryGetProperty("Exception", out var e) && e.ValueKind == System.Text.Json.JsonValueKind.String
                    ? " | " + string.Join(" / ", e.GetString()!.Split('\n').Select(l => l.Trim())
                        .Where((l, i) => i == 0 || l.StartsWith("at Portal.", StringComparison.Ordinal)).Take(6)) : "";
                // Without an exception, the entry's own state says what failed (e.g. which transaction, which command).
                var state = exception.Length == 0 && root.TryGetProperty("State", out var s) ? " | state " + s.GetRawText() : "";
                found.Add($"{root.GetProperty("Category").GetString()}: {root.GetProperty("Message").GetString()}{exception}{state}");
            }
            catch (System.Text.Json.JsonException)
            {
                found.Add(line.Trim());
            }
        }
        return found;
    }

    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Portal.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("Portal.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Names another build of the portal to run (the start-up benchmark's paired baseline).</summary>
    public const string DllVariable = "PORTAL_DLL";

    /// <summary>The web project's own build output (same configuration as the tests), or <see cref="DllVariable"/>.</summary>
    public static string PortalDll()
    {
        if (Environment.GetEnvironmentVariable(DllVariable) is { Length: > 0 } other)
        {
            return File.Exists(other) ? other : throw new FileNotFoundException($"{DllVariable} names a file that does not exist.", other);
        }
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var dll = Path.Combine(RepositoryRoot(), "src", "Portal.Web", "bin", configuration, "net10.0", "Portal.Web.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build the solution first.", dll);
    }

    /// <summary>Starts the portal without waiting for it to be ready.</summary>
    public static PortalProcess Launch(string dataDirectory, IDictionary<string, string?>? environment = null, params string[] args) =>
        Launch(FreePort(), dataDirectory, environment, args);

    /// <summary>Starts the portal on a chosen port (e.g. one an identity provider was told about).</summary>
    public static PortalProcess Launch(int port, string dataDirectory, IDictionary<string, string?>? environment, params string[] args)
    {
        TestPrerequisites.EnsurePostgres();
        var dll = PortalDll();
        // Through env(1) with SIGINT reset to its default: a test run started in the background (`.ci/run &`, nohup) has
        // SIGINT ignored, children inherit an ignored signal, and .NET then installs no Ctrl+C handler, so the Ctrl+C
        // tests would wait for a portal that never hears them.
        var start = new ProcessStartInfo("env")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--default-signal=INT");
        start.ArgumentList.Add("dotnet");
        start.ArgumentList.Add(dll);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        start.Environment["Portal__EmbeddedPostgres__DataDirectory"] = dataDirectory;
        start.Environment["Portal__Jobs__WorkerCount"] = "2";
        start.Environment["Portal__Environments__WorkDirectory"] = Path.Combine(dataDirectory, "environments");
        // Processes run side by side in tests: each gets its own OTLP/gRPC port (or sets its own).
        start.Environment["Portal__Slo__GrpcPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["Portal__Templates__RepositoryRoot"] = Path.Combine(dataDirectory, "repositories");
        start.Environment["Portal__Templates__WorkDirectory"] = Path.Combine(dataDirectory, "scaffolder");
        start.Environment.Remove("ConnectionStrings__Portal");
        start.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                start.Environment.Remove(key);
            }
            else
            {
                start.Environment[key] = value;
            }
        }

        var output = new StringBuilder();
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new PortalProcess(process, output, new Uri($"http://127.0.0.1:{port}/"));
    }

    /// <summary>Starts the portal and waits until <c>/health/ready</c> answers 200.</summary>
    public static Task<PortalProcess> StartAsync(string dataDirectory, IDictionary<string, string?>? environment = null) =>
        StartAsync(FreePort(), dataDirectory, environment);

    public static async Task<PortalProcess> StartAsync(int port, string dataDirectory, IDictionary<string, string?>? environment)
    {
        var portal = Launch(port, dataDirectory, environment);
        using var http = new HttpClient { BaseAddress = portal.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            await Wait.UntilAsync(async () =>
            {
                if (portal.HasExited)
                {
                    throw new InvalidOperationException($"The portal exited with code {portal.ExitCode}:\n{portal.Output}");
                }
                return (await http.GetAsync(new Uri("health/ready", UriKind.Relative))).StatusCode == HttpStatusCode.OK;
            }, TimeSpan.FromMinutes(2), "the portal to become ready");
        }
        catch
        {
            await portal.DisposeAsync();
            throw;
        }
        return portal;
    }

    /// <summary>SIGKILL, like <c>kill -9</c>: no shutdown code runs.</summary>
    public void KillHard()
    {
        _process.Kill(entireProcessTree: false);
        // With a timeout, WaitForExit does not also wait for the output pipes, which a child the kill left alive may hold.
        if (!_process.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            throw new TimeoutException("The portal did not exit within 30 seconds of SIGKILL.");
        }
    }

    /// <summary>SIGINT, like Ctrl+C in a terminal; waits for the process to exit.</summary>
    public async Task InterruptAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-INT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                await InterruptAsync(TimeSpan.FromSeconds(30));
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        _process.Dispose();
    }

    public static int FreePort() => global::Portal.Web.Infrastructure.Postgres.EmbeddedPostgres.FreeLoopbackPort();
}
