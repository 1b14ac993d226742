using System.Net;
using Portal.TestSupport;

namespace Portal.IntegrationTests.Foundation;

/// <summary>The real portal process (dotnet Portal.Web.dll) with its embedded PostgreSQL.</summary>
[Collection(PortalProcessCollection.Name)]
public sealed class PortalProcessTests
{
    [Fact]
    public async Task Kill_dash_nine_then_a_new_start_keeps_all_data_and_does_not_reseed()
    {
        var dir = TestCluster.NewDataDirectory("portal");
        try
        {
            var first = await PortalProcess.StartAsync(dir);
            var firstPostgres = PostgresProbe.Server(dir)!.Value.Pid;
            var connection = PostgresProbe.ConnectionString(dir);
            Assert.Equal(41L, await PostgresProbe.ScalarAsync(connection, "SELECT count(*) FROM catalog_entities WHERE kind = 'Component'"));
            await PostgresProbe.ScalarAsync(connection, "INSERT INTO portal_settings (key, value, updated_at) VALUES ('marker', 'before-kill', now())");

            first.KillHard();
            await first.DisposeAsync();

            await using var second = await PortalProcess.StartAsync(dir);
            var again = PostgresProbe.ConnectionString(dir);
            Assert.Equal("before-kill", await PostgresProbe.ScalarAsync(again, "SELECT value FROM portal_settings WHERE key = 'marker'"));
            Assert.Equal(41L, await PostgresProbe.ScalarAsync(again, "SELECT count(*) FROM catalog_entities WHERE kind = 'Component'"));
            Assert.False(PostgresProbe.IsAlive(firstPostgres), "the orphaned server of the killed portal is stopped");
            Assert.Contains("left running by a previous portal", second.Output, StringComparison.Ordinal);
        }
        finally
        {
            TestCluster.TryDelete(dir);
        }
    }

    [Fact]
    public async Task Ctrl_C_stops_the_portal_and_its_PostgreSQL()
    {
        var dir = TestCluster.NewDataDirectory("portal");
        try
        {
            await using var portal = await PortalProcess.StartAsync(dir);
            var postgres = PostgresProbe.Server(dir)!.Value.Pid;

            await portal.InterruptAsync(TimeSpan.FromSeconds(60));

            Assert.Equal(0, portal.ExitCode);
            Assert.False(PostgresProbe.IsAlive(postgres));
            Assert.Null(PostgresProbe.Server(dir));
        }
        finally
        {
            TestCluster.TryDelete(dir);
        }
    }

    [Fact]
    public async Task A_second_portal_on_the_same_data_folder_exits_with_a_clear_error()
    {
        var dir = TestCluster.NewDataDirectory("portal");
        try
        {
            await using var first = await PortalProcess.StartAsync(dir);

            await using var second = PortalProcess.Launch(dir);
            var exitCode = await second.WaitForExitAsync(TimeSpan.FromMinutes(1));

            Assert.Equal(1, exitCode);
            Assert.Contains($"Another Portal (process {first.ProcessId}) is already using the embedded database", second.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", second.Output, StringComparison.Ordinal); // a message, not a stack trace
            using var http = new HttpClient { BaseAddress = first.BaseAddress };
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("health/ready", UriKind.Relative))).StatusCode);
        }
        finally
        {
            TestCluster.TryDelete(dir);
        }
    }

    [Fact]
    public async Task Without_PostgreSQL_binaries_the_portal_exits_with_one_clear_message()
    {
        var dir = TestCluster.NewDataDirectory("portal");
        await using var portal = PortalProcess.Launch(dir, new Dictionary<string, string?>
        {
            ["Portal__EmbeddedPostgres__BinDirectory"] = "/nonexistent/postgresql/bin",
        });

        var exitCode = await portal.WaitForExitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(1, exitCode);
        Assert.Contains("install PostgreSQL 15 or newer", portal.Output, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings__Portal", portal.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", portal.Output, StringComparison.Ordinal);
        TestCluster.TryDelete(dir);
    }

    [Fact]
    public async Task Production_refuses_a_database_that_is_behind_until_migrate_is_run()
    {
        var connectionString = TestCluster.CreateDatabase("prod");
        var production = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ConnectionStrings__Portal"] = connectionString,
        };
        var dir = TestCluster.NewDataDirectory("unused");

        await using (var refused = PortalProcess.Launch(dir, production))
        {
            Assert.Equal(1, await refused.WaitForExitAsync(TimeSpan.FromMinutes(1)));
            Assert.Contains("The database is behind this version of Portal", refused.Output, StringComparison.Ordinal);
            Assert.Contains("dotnet Portal.Web.dll migrate", refused.Output, StringComparison.Ordinal);
        }

        await using (var migrate = PortalProcess.Launch(dir, production, "migrate"))
        {
            Assert.Equal(0, await migrate.WaitForExitAsync(TimeSpan.FromMinutes(1)));
        }

        await using var portal = await PortalProcess.StartAsync(dir, production);
        // No demo organisation in production; the built-in templates are registered there too (first start).
        Assert.Equal(0L, await PostgresProbe.ScalarAsync(connectionString, "SELECT count(*) FROM catalog_entities WHERE kind <> 'Template'"));
        Assert.Equal(3L, await PostgresProbe.ScalarAsync(connectionString, "SELECT count(*) FROM catalog_entities WHERE kind = 'Template'"));
        Assert.False(Directory.Exists(dir), "with a connection string no embedded cluster is created");
    }
}

[CollectionDefinition(Name)]
public sealed class PortalProcessCollection
{
    // Portal processes are heavy on a 2-core machine: these tests run one at a time.
    public const string Name = "Portal processes";
}
