using System.Globalization;
using System.Net.Http.Headers;

namespace Portal.TestSupport;

/// <summary>
/// Several real portal processes on one PostgreSQL database (a fresh one in <see cref="TestCluster"/>), behind a
/// <see cref="ReplicaProxy"/>, as a scaled-out deployment runs: the schema migrated first by <c>migrate</c> (the
/// Kubernetes Job), then the replicas started at the same moment. Disposing kills every process it started.
/// </summary>
public sealed class PortalReplicas : IAsyncDisposable
{
    public const string AdminPassword = "replica-admin-password-1";

    private readonly List<PortalProcess?> _replicas;
    private readonly List<string> _directories;

    private PortalReplicas(string connectionString, string adminToken, List<PortalProcess?> replicas, List<string> directories, ReplicaProxy proxy)
    {
        ConnectionString = connectionString;
        AdminToken = adminToken;
        _replicas = replicas;
        _directories = directories;
        Proxy = proxy;
    }

    public string ConnectionString { get; }

    /// <summary>The bootstrap admin API token every replica accepts.</summary>
    public string AdminToken { get; }

    public ReplicaProxy Proxy { get; }

    /// <summary>Replica <paramref name="index"/>; throws once it was killed.</summary>
    public PortalProcess this[int index] => _replicas[index] ?? throw new InvalidOperationException($"Replica {index} was killed.");

    public int Count => _replicas.Count;

    /// <summary>Migrates a new database, then starts <paramref name="count"/> replicas at once and the proxy in front of them.</summary>
    public static async Task<PortalReplicas> StartAsync(int count = 2, IDictionary<string, string?>? environment = null)
    {
        var connectionString = TestCluster.CreateDatabase("replicas");
        var token = global::Portal.Web.Features.Identity.ApiTokenSecret.New();
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings__Portal"] = connectionString,
            ["Portal__BootstrapAdminToken"] = token,
            ["Portal__Identity__AdminPassword"] = AdminPassword,
            ["Portal__Identity__SignInAttemptsPerMinute"] = "1000",
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }
        var directories = Enumerable.Range(0, count).Select(i => TestCluster.NewDataDirectory($"replica{i}")).ToList();
        await using (var migrate = PortalProcess.Launch(directories[0], settings, "migrate"))
        {
            var code = await migrate.WaitForExitAsync(TimeSpan.FromMinutes(2));
            if (code != 0)
            {
                throw new InvalidOperationException($"migrate exited with {code}:\n{migrate.Output}");
            }
        }
        var starting = directories.Select(d => PortalProcess.StartAsync(d, settings)).ToList();
        try
        {
            await Task.WhenAll(starting);
        }
        catch
        {
            foreach (var started in starting.Where(t => t.IsCompletedSuccessfully))
            {
                await started.Result.DisposeAsync();
            }
            throw;
        }
        var replicas = starting.Select(t => (PortalProcess?)t.Result).ToList();
        var proxy = await ReplicaProxy.StartAsync([.. replicas.Select(r => r!.BaseAddress)]);
        return new PortalReplicas(connectionString, token, replicas, directories, proxy);
    }

    /// <summary>An admin API client through the proxy (round-robin) or straight to <paramref name="baseAddress"/>.</summary>
    public HttpClient AdminClient(Uri? baseAddress = null)
    {
        var client = new HttpClient { BaseAddress = baseAddress ?? Proxy.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        return client;
    }

    /// <summary>
    /// SIGKILL of replica <paramref name="index"/> (no shutdown code runs), then waits until the proxy's own health check
    /// has taken it out of rotation (as a Kubernetes Service does once the readiness probe fails); returns how long that took.
    /// </summary>
    public async Task<TimeSpan> KillAsync(int index)
    {
        this[index].KillHard();
        _replicas[index] = null;
        var killed = System.Diagnostics.Stopwatch.StartNew();
        await Wait.UntilAsync(() => !Proxy.InRotation(index), TimeSpan.FromSeconds(30), $"the proxy to take replica {index} out of rotation");
        return killed.Elapsed;
    }

    /// <summary>The output of every live replica, for a failed assertion's message.</summary>
    public string Output() => string.Join("\n", _replicas.Select((r, i) => r is null ? "" : $"--- replica {i.ToString(CultureInfo.InvariantCulture)} ---\n{r.Output}"));

    public async ValueTask DisposeAsync()
    {
        await Proxy.DisposeAsync();
        await Task.WhenAll(_replicas.Where(r => r is not null).Select(r => r!.DisposeAsync().AsTask()));
        foreach (var dir in _directories)
        {
            TestCluster.TryDelete(dir);
        }
    }
}
