using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Portal.IntegrationTests.Foundation;
using Portal.TestSupport;
using Portal.Web.Features.Environments;
using Portal.Web.Features.Environments.Drivers;
using static Portal.IntegrationTests.Environments.EnvironmentKit;

namespace Portal.IntegrationTests.ScaleOut;

/// <summary>A replica killed with SIGKILL (issue 25): what it was doing for people and jobs carries on at the others.</summary>
[Collection(PortalProcessCollection.Name)]
public sealed class ReplicaFailoverTests
{
    [Fact]
    public async Task A_person_whose_replica_is_killed_stays_signed_in_on_the_replica_that_takes_over()
    {
        await using var replicas = await PortalReplicas.StartAsync(2);
        using var browser = new ReplicaBrowser();
        await browser.SignInAsync(replicas.Proxy.BaseAddress);
        var home = await browser.GetAsync(replicas.Proxy.BaseAddress, "catalog");
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        var pinned = home.Headers.GetValues(ReplicaProxy.ReplicaHeader).Single();

        replicas.Kill(pinned == ReplicaProxy.DestinationId(0) ? 0 : 1);

        var after = await browser.GetAsync(replicas.Proxy.BaseAddress, "catalog");
        Assert.Equal(HttpStatusCode.OK, after.StatusCode); // not a redirect to the sign-in page
        Assert.NotEqual(pinned, after.Headers.GetValues(ReplicaProxy.ReplicaHeader).Single());
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(replicas.Proxy.BaseAddress, "api/identity/me")).StatusCode);
    }

    [Fact]
    public async Task A_provisioning_run_whose_replica_is_killed_mid_push_is_finished_once_by_the_other_replica()
    {
        var dir = TestCluster.NewDataDirectory("gitops");
        Directory.CreateDirectory(dir);
        var repository = Path.Combine(dir, "gitops.git");
        var reached = Path.Combine(dir, "push-reached");
        var release = Path.Combine(dir, "push-release");
        try
        {
            await GitOpsDriver.CreateRepositoryAsync(repository, new GitOpsOptions(), CancellationToken.None);
            // The repository holds the push after accepting it, and notes the processes it runs under: the replica whose
            // job pushes is among them.
            var hook = Path.Combine(repository, "hooks", "post-receive");
            await File.WriteAllTextAsync(hook, $"""
                #!/bin/sh
                p=$$; while [ "$p" -gt 1 ]; do echo $p; p=$(awk '/^PPid:/ {"{"}print $2{"}"}' /proc/$p/status); done > '{reached}.tmp'
                mv '{reached}.tmp' '{reached}'
                while [ ! -f '{release}' ]; do sleep 0.1; done

                """);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(hook, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
            await using var replicas = await PortalReplicas.StartAsync(2, new Dictionary<string, string?>
            {
                ["Portal__Environments__GitOps__RepositoryUrl"] = repository,
                ["Portal__Environments__StaleRunSeconds"] = "3",
                ["Portal__Environments__WatchdogSeconds"] = "1",
            });
            using var admin = replicas.AdminClient();
            Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/catalog/entities", JsonNode.Parse("""
                {"apiVersion": "backstage.io/v1alpha1", "kind": "Component", "metadata": {"name": "refund-service"},
                 "spec": {"type": "service", "lifecycle": "production", "owner": "team-x"} }
                """))).StatusCode);
            var id = (await RequestAsync(admin, new EnvironmentRequest("failover-dev", "refund-service", "dev", "small"))).Id;
            await Wait.UntilAsync(() => File.Exists(reached), Patience, "the provisioning push to reach the repository");
            var ancestry = (await File.ReadAllLinesAsync(reached)).Select(int.Parse).ToHashSet();
            var pushing = Enumerable.Range(0, replicas.Count).Single(i => ancestry.Contains(replicas[i].ProcessId));

            replicas.Kill(pushing);
            Assert.Equal(2, await CommitCountAsync(repository)); // the initial commit and the environment's, already in
            File.Delete(hook);
            await File.WriteAllTextAsync(release, ""); // lets the orphaned git push finish

            var ready = await WaitForStatusAsync(admin, id, "Ready");
            Assert.Equal(2, await CommitCountAsync(repository)); // finished by the other replica, not committed twice
            var run = Assert.Single(ready.Runs);
            Assert.Equal("Succeeded", run.Status);
            Assert.Contains(run.Log, l => l.Step == "resume");
            Assert.Single(ready.Transitions, t => t.To == "Ready");
        }
        finally
        {
            File.WriteAllText(release, "");
            TestCluster.TryDelete(dir);
        }
    }
}
