using Portal.TestSupport;
using Portal.Web.Infrastructure.Postgres;

namespace Portal.IntegrationTests.Foundation;

/// <summary>The launcher on its own, against the machine's real PostgreSQL binaries.</summary>
public sealed class EmbeddedPostgresTests
{
    [Fact]
    public async Task Start_serves_queries_and_Stop_leaves_no_server_running()
    {
        var dir = TestCluster.NewDataDirectory("launcher");
        try
        {
            int pid;
            using (var server = EmbeddedPostgres.Start(TestCluster.FastOptions(dir)))
            {
                Assert.Equal(1, await PostgresProbe.ScalarAsync(server.ConnectionString, "SELECT 1"));
                pid = PostgresProbe.Server(dir)!.Value.Pid;
                Assert.True(PostgresProbe.IsAlive(pid));
            }
            Assert.False(PostgresProbe.IsAlive(pid));
            Assert.Null(PostgresProbe.Server(dir));
        }
        finally
        {
            TestCluster.TryDelete(dir);
        }
    }

    [Fact]
    public async Task Data_survives_a_stop_and_a_new_start()
    {
        var dir = TestCluster.NewDataDirectory("launcher");
        try
        {
            using (var server = EmbeddedPostgres.Start(TestCluster.FastOptions(dir)))
            {
                await PostgresProbe.ScalarAsync(server.ConnectionString, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')");
            }
            using (var server = EmbeddedPostgres.Start(TestCluster.FastOptions(dir)))
            {
                Assert.Equal("still here", await PostgresProbe.ScalarAsync(server.ConnectionString, "SELECT v FROM kept"));
            }
        }
        finally
        {
            TestCluster.TryDelete(dir);
        }
    }

    [Fact]
    public async Task A_second_launcher_on_the_same_folder_is_refused_and_the_first_keeps_working()
    {
        var dir = TestCluster.NewDataDirectory("launcher");
        try
        {
            using var first = EmbeddedPostgres.Start(TestCluster.FastOptions(dir));
            await PostgresProbe.ScalarAsync(first.ConnectionString, "CREATE TABLE t (v int); INSERT INTO t VALUES (42)");

            var error = Assert.Throws<EmbeddedPostgresException>(() => EmbeddedPostgres.Start(TestCluster.FastOptions(dir)));

            Assert.Contains("already using the embedded database", error.Message, StringComparison.Ordinal);
            Assert.Contains(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
            Assert.Equal(42, await PostgresProbe.ScalarAsync(first.ConnectionString, "SELECT v FROM t"));
        }
        finally
        {
            TestCluster.TryDelete(dir);
        }
    }

    [Fact]
    public async Task A_crashed_server_with_a_stale_postmaster_pid_is_recovered_with_its_data()
    {
        var dir = TestCluster.NewDataDirectory("launcher");
        try
        {
            // Durable settings: this is about surviving a crash, which fsync=off does not promise.
            var first = EmbeddedPostgres.Start(new EmbeddedPostgresOptions { DataDirectory = dir });
            await PostgresProbe.ScalarAsync(first.ConnectionString, "CREATE TABLE t (v int); INSERT INTO t VALUES (7)");
            var pid = PostgresProbe.Server(dir)!.Value.Pid;
            using (var kill = System.Diagnostics.Process.Start("kill", ["-9", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }
            await Wait.UntilAsync(() => !PostgresProbe.IsAlive(pid), TimeSpan.FromSeconds(30), "the postmaster to die");
            first.Dispose(); // releases the instance lock; its pg_ctl stop finds nothing to stop
            Assert.True(File.Exists(Path.Combine(dir, "data", "postmaster.pid")), "SIGKILL leaves postmaster.pid behind");

            using var second = EmbeddedPostgres.Start(new EmbeddedPostgresOptions { DataDirectory = dir });
            Assert.Equal(7, await PostgresProbe.ScalarAsync(second.ConnectionString, "SELECT v FROM t"));
        }
        finally
        {
            TestCluster.TryDelete(dir);
        }
    }

    [Fact]
    public void Without_server_binaries_the_error_names_both_fixes()
    {
        var empty = TestCluster.NewDataDirectory("nobin");
        Directory.CreateDirectory(empty);
        try
        {
            var options = TestCluster.FastOptions(TestCluster.NewDataDirectory("launcher"));
            options.BinDirectory = empty;

            var error = Assert.Throws<EmbeddedPostgresException>(() => EmbeddedPostgres.Start(options));

            Assert.Contains("install PostgreSQL", error.Message, StringComparison.Ordinal);
            Assert.Contains("ConnectionStrings:Portal", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            TestCluster.TryDelete(empty);
        }
    }
}
