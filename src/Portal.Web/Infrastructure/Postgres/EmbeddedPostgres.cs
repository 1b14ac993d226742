using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Npgsql;

namespace Portal.Web.Infrastructure.Postgres;

/// <summary>
/// Runs a private PostgreSQL cluster from the machine's server binaries: initdb on first use,
/// a free loopback port, password authentication, and an instance lock so that two portals
/// never share one data folder. A server left behind by a killed portal is stopped cleanly and
/// restarted, so no data is lost.
/// </summary>
public sealed class EmbeddedPostgres : IDisposable
{
    private const string SuperUser = "portal";
    private const string ServiceUser = "postgres";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(2);

    private readonly string _bin;
    private readonly string _root;
    private readonly string _data;
    private readonly FileStream _lock;
    private readonly Action<string> _log;
    private bool _stopped;

    public int Port { get; }
    public string Password { get; }
    public string Database { get; }
    public string DataDirectory => _data;
    public string ConnectionString => ConnectionStringFor(Database);

    internal static bool RunningAsRoot => Environment.UserName == "root";

    private EmbeddedPostgres(string bin, string root, FileStream instanceLock, int port, string password, string database, Action<string> log)
    {
        _bin = bin;
        _root = root;
        _data = Path.Combine(root, "data");
        _lock = instanceLock;
        Port = port;
        Password = password;
        Database = database;
        _log = log;
    }

    public string ConnectionStringFor(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = SuperUser,
        Password = Password,
        Database = database,
        // Closing idle connections quickly lets a test drop its database without waiting.
        ConnectionIdleLifetime = 30,
    }.ConnectionString;

    public static EmbeddedPostgres Start(EmbeddedPostgresOptions options, Action<string>? log = null)
    {
        log ??= _ => { };
        var bin = PostgresBinaries.Find(options.BinDirectory)
            ?? throw new EmbeddedPostgresException(PostgresBinaries.NotFoundMessage);

        var root = Path.GetFullPath(options.DataDirectory);
        Directory.CreateDirectory(root);
        var instanceLock = AcquireInstanceLock(root);
        try
        {
            var data = Path.Combine(root, "data");
            var password = EnsurePassword(root);
            if (!File.Exists(Path.Combine(data, "PG_VERSION")))
            {
                InitCluster(bin, root, data, password, log);
            }
            StopLeftoverServer(bin, data, log);

            var port = FreeLoopbackPort();
            var server = new EmbeddedPostgres(bin, root, instanceLock, port, password, options.Database, log);
            server.StartServer(options.ServerSettings);
            server.EnsureDatabase(options.Database);
            return server;
        }
        catch
        {
            instanceLock.Dispose();
            throw;
        }
    }

    /// <summary>Creates an empty database (used by tests: one per test collection).</summary>
    public string CreateDatabase(string name)
    {
        EnsureDatabase(name);
        return ConnectionStringFor(name);
    }

    public void Stop()
    {
        if (_stopped)
        {
            return;
        }
        _stopped = true;
        try
        {
            NpgsqlConnection.ClearAllPools();
            Run(_bin, "pg_ctl", ["stop", "-D", _data, "-m", "fast", "-w", "-t", "60"], throwOnError: false);
            _log("Embedded PostgreSQL stopped.");
        }
        finally
        {
            _lock.Dispose();
        }
    }

    public void Dispose() => Stop();

    /// <summary>
    /// Stops and deletes clusters under <paramref name="parent"/> whose owning process is gone
    /// (their instance lock is free). Test runs use it to clean up after a killed test host.
    /// Folders changed within <paramref name="minimumAge"/> are left alone, untouched: test processes running side by
    /// side make folders there that hold no lock yet (a data folder before its portal starts, a git repository).
    /// </summary>
    public static void RemoveAbandonedClusters(string parent, TimeSpan minimumAge, string? binDirectory = null)
    {
        if (!Directory.Exists(parent))
        {
            return;
        }
        var bin = PostgresBinaries.Find(binDirectory);
        var cutoff = DateTime.UtcNow - minimumAge;
        foreach (var root in Directory.GetDirectories(parent).Where(d => Directory.GetLastWriteTimeUtc(d) < cutoff))
        {
            FileStream instanceLock;
            try
            {
                instanceLock = new FileStream(Path.Combine(root, "portal.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                continue; // still in use by a live process
            }
            using (instanceLock)
            {
                if (bin is not null && File.Exists(Path.Combine(root, "data", "postmaster.pid")))
                {
                    StopLeftoverServer(bin, Path.Combine(root, "data"), _ => { });
                }
            }
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    private static FileStream AcquireInstanceLock(string root)
    {
        var lockPath = Path.Combine(root, "portal.lock");
        var pidPath = Path.Combine(root, "portal.pid");
        try
        {
            // FileShare.None takes an exclusive flock on Unix; the kernel drops it when the process dies,
            // so a killed portal never leaves a lock behind.
            var stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            File.WriteAllText(pidPath, Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
            return stream;
        }
        catch (IOException ex)
        {
            var owner = File.Exists(pidPath) ? $" (process {File.ReadAllText(pidPath).Trim()})" : "";
            throw new EmbeddedPostgresException(
                $"Another Portal{owner} is already using the embedded database in {root}. " +
                "Stop that portal first, or give this one its own folder with Portal:EmbeddedPostgres:DataDirectory.", ex);
        }
    }

    private static string EnsurePassword(string root)
    {
        var path = Path.Combine(root, "password");
        if (File.Exists(path))
        {
            return File.ReadAllText(path).Trim();
        }
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        File.WriteAllText(path, password);
        RestrictToOwner(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return password;
    }

    private static void InitCluster(string bin, string root, string data, string password, Action<string> log)
    {
        log($"Creating the embedded PostgreSQL cluster in {data} ...");
        if (Directory.Exists(data))
        {
            // A folder without PG_VERSION is an initdb that was interrupted: nothing in it is data.
            Directory.Delete(data, recursive: true);
        }
        Directory.CreateDirectory(data);
        var pwFile = Path.Combine(root, ".initdb-password");
        File.WriteAllText(pwFile, password);
        RestrictToOwner(pwFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        try
        {
            if (RunningAsRoot)
            {
                EnsureReachableByServiceUser(root);
                Run(null, "chown", ["-R", $"{ServiceUser}:{ServiceUser}", data, pwFile]);
            }
            RestrictToOwner(data, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            Run(bin, "initdb", ["-D", data, "-U", SuperUser, "--pwfile", pwFile, "--auth", "scram-sha-256",
                "--encoding", "UTF8", "--locale", "C.UTF-8", "--no-instructions"]);
        }
        finally
        {
            File.Delete(pwFile);
        }
    }

    private static void EnsureReachableByServiceUser(string root)
    {
        var (code, _) = Run(null, "runuser", ["-u", ServiceUser, "--", "test", "-x", root], throwOnError: false, asServiceUser: false);
        if (code != 0)
        {
            throw new EmbeddedPostgresException(
                $"The embedded database folder {root} is not reachable by the '{ServiceUser}' system user, which runs the " +
                "server when the portal runs as root (initdb refuses root). Choose a folder outside /root with " +
                "Portal:EmbeddedPostgres:DataDirectory, e.g. /var/lib/portal/postgres.");
        }
    }

    /// <summary>
    /// We hold the instance lock, so a running server on our data folder belongs to a portal that
    /// was killed: stop it cleanly (no data is lost) and start our own. A postmaster.pid whose
    /// process is gone is stale and removed.
    /// </summary>
    private static void StopLeftoverServer(string bin, string data, Action<string> log)
    {
        var pidFile = Path.Combine(data, "postmaster.pid");
        if (!File.Exists(pidFile))
        {
            return;
        }
        var firstLine = File.ReadLines(pidFile).FirstOrDefault();
        if (int.TryParse(firstLine, NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid) && IsPostgresProcess(pid) && ServesDataDirectory(pid, data))
        {
            log($"Stopping the PostgreSQL server (pid {pid}) left running by a previous portal ...");
            Run(bin, "pg_ctl", ["stop", "-D", data, "-m", "fast", "-w", "-t", "60"], throwOnError: false);
        }
        if (File.Exists(pidFile))
        {
            log("Removing a stale postmaster.pid left by a previous portal.");
            File.Delete(pidFile);
        }
    }

    private static void RestrictToOwner(string path, UnixFileMode mode)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, mode);
        }
    }

    /// <summary>
    /// After a reboot the pid in postmaster.pid can belong to another cluster (e.g. the system's own
    /// PostgreSQL): only a server whose working directory is our data folder is ours to stop.
    /// </summary>
    private static bool ServesDataDirectory(int pid, string data)
    {
        try
        {
            var cwd = new DirectoryInfo($"/proc/{pid}/cwd").LinkTarget;
            return cwd is not null && Path.GetFullPath(cwd).TrimEnd('/') == Path.GetFullPath(data).TrimEnd('/');
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>A running (not zombie) process named postgres; a pid reused by something else is not ours.</summary>
    public static bool IsPostgresProcess(int pid)
    {
        try
        {
            // /proc/<pid>/stat: "pid (comm) state ..."; a zombie (Z) has exited but is not yet reaped.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var close = stat.LastIndexOf(')');
            var open = stat.IndexOf('(', StringComparison.Ordinal);
            return close > open && open >= 0
                && stat[(open + 1)..close] == "postgres"
                && stat.Length > close + 2 && stat[close + 2] is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private void StartServer(Dictionary<string, string> settings)
    {
        var serverOptions = new List<string>
        {
            "-c listen_addresses=127.0.0.1",
            $"-p {Port}",
            // No Unix socket: the default socket folder may not exist or be writable here.
            "-c unix_socket_directories=''",
            "-c max_connections=300",
            // PostgreSQL's 128 MB default holds only a fifth of a 100,000-entity catalog.
            "-c shared_buffers=256MB",
        };
        serverOptions.AddRange(settings.Select(s => $"-c {s.Key}={s.Value}"));
        var logFile = Path.Combine(_data, "portal-server.log");
        _log($"Starting embedded PostgreSQL on 127.0.0.1:{Port} (data: {_data}) ...");
        var (code, output) = (0, "");
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            (code, output) = Run(_bin, "pg_ctl", ["start", "-D", _data, "-w", "-t", "90", "-l", logFile, "-o", string.Join(' ', serverOptions)], throwOnError: false);
            if (code == 0)
            {
                break;
            }
            // After a crash the old server's backends can hold its shared memory for a moment.
            _log($"PostgreSQL did not start (attempt {attempt}); retrying ...");
            Thread.Sleep(TimeSpan.FromSeconds(attempt));
        }
        if (code != 0)
        {
            var serverLog = File.Exists(logFile) ? string.Join('\n', File.ReadLines(logFile).TakeLast(15)) : "";
            throw new EmbeddedPostgresException($"The embedded PostgreSQL server did not start (pg_ctl exit code {code}).\n{output}\n{serverLog}");
        }
    }

    private void EnsureDatabase(string name)
    {
        using var connection = new NpgsqlConnection(ConnectionStringFor("postgres"));
        connection.Open();
        using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection);
        exists.Parameters.AddWithValue(name);
        if (exists.ExecuteScalar() is null)
        {
            using var create = new NpgsqlCommand($"CREATE DATABASE \"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
            create.ExecuteNonQuery();
        }
    }

    /// <summary>A loopback port nobody listens on right now (also used by tests to place processes).</summary>
    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static (int ExitCode, string Output) Run(string? bin, string program, IReadOnlyList<string> args, bool throwOnError = true, bool? asServiceUser = null)
    {
        var path = bin is null ? program : Path.Combine(bin, program);
        var start = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if ((asServiceUser ?? bin is not null) && RunningAsRoot)
        {
            start.FileName = "runuser";
            foreach (var a in new[] { "-u", ServiceUser, "--", path })
            {
                start.ArgumentList.Add(a);
            }
        }
        else
        {
            start.FileName = path;
        }
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new EmbeddedPostgresException($"Could not start {program}.");
        // pg_ctl start leaves the server holding inherited pipes; read to the end only after exit.
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(CommandTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new EmbeddedPostgresException($"{program} did not finish within {CommandTimeout.TotalSeconds:0} s.");
        }
        var output = (stderr.Wait(TimeSpan.FromSeconds(2)) ? stderr.Result : "") + (stdout.Wait(TimeSpan.FromSeconds(2)) ? stdout.Result : "");
        if (throwOnError && process.ExitCode != 0)
        {
            throw new EmbeddedPostgresException($"{program} failed with exit code {process.ExitCode}: {output.Trim()}");
        }
        return (process.ExitCode, output);
    }
}
