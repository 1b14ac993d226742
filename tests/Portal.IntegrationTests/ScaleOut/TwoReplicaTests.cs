using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Portal.IntegrationTests.Catalog;
using Portal.IntegrationTests.Foundation;
using Portal.TestSupport;

namespace Portal.IntegrationTests.ScaleOut;

/// <summary>
/// Two real portal processes on one PostgreSQL behind a round-robin, UI-sticky proxy (issue 25): what a person or a
/// client did through one replica holds on the other. None of these tests kills a replica (see <see cref="ReplicaFailoverTests"/>).
/// </summary>
[Collection(PortalProcessCollection.Name)]
public sealed class TwoReplicaTests(ReplicasFixture fixture) : IClassFixture<ReplicasFixture>
{
    private PortalReplicas Replicas => fixture.Replicas;

    [Fact]
    public async Task Replicas_started_at_the_same_moment_both_serve_and_share_one_data_protection_key()
    {
        // Started together (a rollout): the start-up lock let one create the key ring, the other loaded it.
        Assert.Equal(1L, await PostgresProbe.ScalarAsync(Replicas.ConnectionString, "SELECT count(*) FROM data_protection_keys"));
        Assert.Equal(1L, await PostgresProbe.ScalarAsync(Replicas.ConnectionString, "SELECT count(*) FROM \"AspNetUsers\" WHERE user_name = 'admin'"));
        for (var i = 0; i < Replicas.Count; i++)
        {
            using var http = new HttpClient();
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri(Replicas[i].BaseAddress, "health/ready"))).StatusCode);
        }
    }

    [Fact]
    public async Task A_person_signed_in_through_one_replica_stays_signed_in_on_the_other()
    {
        using var browser = new ReplicaBrowser();
        await browser.SignInAsync(Replicas[0].BaseAddress);

        var me = await browser.GetAsync(Replicas[1].BaseAddress, "api/identity/me");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal("admin", (await me.Content.ReadFromJsonAsync<JsonObject>())!["name"]!.GetValue<string>());
        var page = await browser.GetAsync(Replicas[1].BaseAddress, "catalog");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);

        // Through the proxy the API round-robins: every call is signed in, whichever replica answers.
        var served = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 4; i++)
        {
            var response = await browser.GetAsync(Replicas.Proxy.BaseAddress, "api/identity/me");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            served.Add(response.Headers.GetValues(ReplicaProxy.ReplicaHeader).Single());
        }
        Assert.Equal([ReplicaProxy.DestinationId(0), ReplicaProxy.DestinationId(1)], served.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_form_served_by_one_replica_is_accepted_by_the_other_and_a_forged_one_is_not()
    {
        using var browser = new ReplicaBrowser();
        var token = await browser.SignInTokenAsync(Replicas[0].BaseAddress);

        var signedIn = await browser.SignInAsync(Replicas[1].BaseAddress, token);

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/", signedIn.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(Replicas[0].BaseAddress, "api/identity/me")).StatusCode);

        // The shared key ring is not a free pass: a token that no replica issued is refused there too.
        using var other = new ReplicaBrowser();
        await other.SignInTokenAsync(Replicas[0].BaseAddress);
        var forged = await other.SignInAsync(Replicas[1].BaseAddress, token[..^4] + "AAAA");
        Assert.NotEqual("/", forged.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Unauthorized, (await other.GetAsync(Replicas[1].BaseAddress, "api/identity/me")).StatusCode);
    }

    [Fact]
    public async Task Pages_through_the_proxy_stay_on_one_replica()
    {
        using var browser = new ReplicaBrowser();
        await browser.SignInAsync(Replicas.Proxy.BaseAddress);

        var served = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in new[] { "", "catalog", "slos", "catalog", "" })
        {
            var page = await browser.GetAsync(Replicas.Proxy.BaseAddress, path);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            served.Add(page.Headers.GetValues(ReplicaProxy.ReplicaHeader).Single());
        }
        Assert.Single(served);
    }

    [Fact]
    public async Task A_catalog_change_through_one_replica_is_found_through_the_other_at_once()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        using var first = Replicas.AdminClient(Replicas[0].BaseAddress);
        using var second = Replicas.AdminClient(Replicas[1].BaseAddress);
        var term = $"quokka{run}";
        // The second replica has built its search index before the change.
        Assert.Equal(0, await TotalAsync(second, $"fullTextFilterTerm={term}"));

        var created = await first.PostAsJsonAsync("/api/catalog/entities", JsonNode.Parse($$"""
            {"apiVersion": "backstage.io/v1alpha1", "kind": "Component",
             "metadata": {"name": "replicated-{{run}}", "description": "the {{term}} service"},
             "spec": {"type": "service", "lifecycle": "production", "owner": "team-x"} }
            """));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        Assert.Equal(1, await TotalAsync(second, $"fullTextFilterTerm={term}"));
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync(new Uri($"/api/catalog/entities/by-name/component/default/replicated-{run}", UriKind.Relative))).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent,
            (await second.DeleteAsync(new Uri($"/api/catalog/entities/by-name/component/default/replicated-{run}", UriKind.Relative))).StatusCode);
        Assert.Equal(0, await TotalAsync(first, $"fullTextFilterTerm={term}"));
    }

    [Fact]
    public async Task A_bulk_import_through_one_replica_is_searchable_through_the_other_at_once()
    {
        const int Count = 150;
        var run = Guid.NewGuid().ToString("N")[..8];
        var term = $"wombat{run}";
        using var files = new CatalogFolder();
        var file = files.Write("bulk/catalog-info.yaml", string.Join("\n---\n", Enumerable.Range(0, Count).Select(i => $"""
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata:
              name: bulk-{run}-{i}
              description: imported {term} number {i}
            spec:
              type: service
              lifecycle: production
              owner: team-x
            """)));
        using var first = Replicas.AdminClient(Replicas[0].BaseAddress);
        using var second = Replicas.AdminClient(Replicas[1].BaseAddress);
        Assert.Equal(0, await TotalAsync(second, $"fullTextFilterTerm={term}"));

        var registered = await first.PostAsJsonAsync("/api/catalog/locations", new { type = "file", target = file });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);

        Assert.Equal(Count, await TotalAsync(second, $"fullTextFilterTerm={term}"));
        Assert.Equal(1, await TotalAsync(second, $"filter=metadata.name=bulk-{run}-149"));
    }

    [Fact]
    public async Task A_recurring_job_runs_once_per_schedule_although_both_replicas_run_job_servers()
    {
        Assert.Equal(2L, await PostgresProbe.ScalarAsync(Replicas.ConnectionString, "SELECT count(*) FROM hangfire.server"));
        // The minutely SLO alert job: wait until it was due at least twice while both replicas ran.
        const string PerMinute = """
            SELECT count(*) FILTER (WHERE n > 1) * 1000 + count(*) FROM (
              SELECT date_trunc('minute', createdat) AS minute, count(*) AS n FROM hangfire.job
              WHERE invocationdata::text LIKE '%SloAlertJob%' GROUP BY 1) AS m
            """;
        long minutes = 0;
        await Wait.UntilAsync(async () => (minutes = (long)(await PostgresProbe.ScalarAsync(Replicas.ConnectionString, PerMinute))!) % 1000 >= 2,
            TimeSpan.FromMinutes(3), "the minutely job to be due twice");

        Assert.Equal(0, minutes / 1000); // no minute with two runs
    }

    private static async Task<int> TotalAsync(HttpClient client, string query) =>
        (await client.GetFromJsonAsync<JsonObject>("/api/catalog/entities/by-query?" + query))!["totalItems"]!.GetValue<int>();
}
