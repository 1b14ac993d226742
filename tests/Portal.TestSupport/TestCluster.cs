using Portal.Web.Infrastructure.Postgres;

namespace Portal.TestSupport;

/// <summary>
/// One throwaway PostgreSQL cluster per test process, started by the portal's own launcher;
/// each test collection asks it for a fresh database.
/// </summary>
public static class TestCluster
{
    public static readonly string Root = Path.Combine(Path.GetTempPath(), "portal-tests");

    /// <summary>
    /// A folder under <see cref="Root"/> unchanged this long, with no live portal holding it, is a leftover of a killed
    /// run. Younger ones may belong to a test process running beside this one (the test projects run in parallel).
    /// </summary>
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromHours(1);

    private static readonly Lazy<EmbeddedPostgres> Cluster = new(StartCluster);

    public static EmbeddedPostgres Server => Cluster.Value;

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public static string CreateDatabase(string prefix = "t") =>
        Server.CreateDatabase($"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 33, 63)]);

    /// <summary>A fresh folder for a cluster that a test starts itself.</summary>
    public static string NewDataDirectory(string purpose)
    {
        var dir = Path.Combine(Root, $"{purpose}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Root);
        return dir;
    }

    /// <summary>Fast, not durable: a test cluster never needs to survive a power cut.</summary>
    public static EmbeddedPostgresOptions FastOptions(string dataDirectory)
    {
        var options = new EmbeddedPostgresOptions { DataDirectory = dataDirectory };
        options.ServerSettings["fsync"] = "off";
        options.ServerSettings["synchronous_commit"] = "off";
        options.ServerSettings["full_page_writes"] = "off";
        return options;
    }

    private static EmbeddedPostgres StartCluster()
    {
        TestPrerequisites.EnsurePostgres();
        EmbeddedPostgres.RemoveAbandonedClusters(Root, AbandonedAfter);
        var dir = NewDataDirectory("cluster");
        var server = EmbeddedPostgres.Start(FastOptions(dir));
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            server.Dispose();
            TryDelete(dir);
        };
        return server;
    }

    public static void TryDelete(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
            // Left for RemoveAbandonedClusters on the next run.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
