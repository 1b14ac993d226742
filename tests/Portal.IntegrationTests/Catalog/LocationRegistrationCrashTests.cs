using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Portal.IntegrationTests.Foundation;
using Portal.TestSupport;
using Portal.Web.Features.Identity;

namespace Portal.IntegrationTests.Catalog;

/// <summary>Issue 17, finding 14: kill -9 in the middle of registering a location, then register it again.</summary>
[Collection(PortalProcessCollection.Name)]
public sealed class LocationRegistrationCrashTests
{
    private const int Components = 15_000;

    [Fact]
    public async Task A_portal_killed_mid_registration_leaves_nothing_behind_and_the_retry_registers_the_location()
    {
        var dir = TestCluster.NewDataDirectory("portal");
        try
        {
            var token = ApiTokenSecret.New();
            var settings = new Dictionary<string, string?>
            {
                ["Portal__BootstrapAdminToken"] = token,
                ["Portal__Templates__RegisterBuiltIns"] = "false",
            };
            // A file big enough that its import takes a while: the kill lands inside it.
            var file = Path.Combine(dir, "big", "catalog-info.yaml");
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            var yaml = new StringBuilder();
            for (var i = 0; i < Components; i++)
            {
                yaml.Append(System.Globalization.CultureInfo.InvariantCulture,
                    $"apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: bulk-{i:D5}\nspec:\n  type: service\n  lifecycle: production\n  owner: group:default/payments\n---\n");
            }
            await File.WriteAllTextAsync(file, yaml.ToString());

            var first = await PortalProcess.StartAsync(dir, settings);
            var connection = PostgresProbe.ConnectionString(dir);
            using (var client = Client(first, token))
            {
                var registering = client.PostAsJsonAsync("/api/catalog/locations", new { type = "file", target = file });
                // The registration's import is under way: its connection is copying rows inside its transaction.
                await Wait.UntilAsync(async () =>
                {
                    Assert.False(registering.IsCompleted, $"The registration ended before the kill: {(registering.IsCompletedSuccessfully ? registering.Result.StatusCode : registering.Exception)}");
                    return (long)(await PostgresProbe.ScalarAsync(connection, ImportUnderWay))! > 0;
                }, TimeSpan.FromMinutes(2), "the registration's import to start");

                first.KillHard();
                await Assert.ThrowsAnyAsync<Exception>(() => registering);
            }
            await first.DisposeAsync();
            // PostgreSQL notices the dead connection and rolls its transaction back.
            await Wait.UntilAsync(async () => (long)(await PostgresProbe.ScalarAsync(connection, ImportUnderWay))! == 0,
                TimeSpan.FromMinutes(1), "the killed portal's transaction to end");
            Assert.Equal(0L, await PostgresProbe.ScalarAsync(connection, $"SELECT count(*) FROM catalog_locations WHERE target = '{file}'"));
            Assert.Equal(0L, await PostgresProbe.ScalarAsync(connection, "SELECT count(*) FROM catalog_entities WHERE name LIKE 'bulk-%'"));

            await using var second = await PortalProcess.StartAsync(dir, settings);
            using var again = Client(second, token);
            var retry = await again.PostAsJsonAsync("/api/catalog/locations", new { type = "file", target = file });

            Assert.True(retry.StatusCode == HttpStatusCode.Created, $"{(int)retry.StatusCode}: {await retry.Content.ReadAsStringAsync()}");
            var check = PostgresProbe.ConnectionString(dir);
            Assert.Equal("ok", await PostgresProbe.ScalarAsync(check, $"SELECT status FROM catalog_locations WHERE target = '{file}'"));
            Assert.Equal((long)Components, await PostgresProbe.ScalarAsync(check, "SELECT count(*) FROM catalog_entities WHERE name LIKE 'bulk-%'"));
        }
        finally
        {
            TestCluster.TryDelete(dir);
        }
    }

    private const string ImportUnderWay = """
        SELECT count(*) FROM pg_stat_activity
        WHERE state IN ('active', 'idle in transaction') AND query LIKE 'COPY catalog_%'
        """;

    private static HttpClient Client(PortalProcess portal, string token)
    {
        var client = new HttpClient { BaseAddress = portal.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
