using System.Net.Http.Headers;
using Portal.IntegrationTests.Foundation;
using Portal.TestSupport;
using Portal.Web.Features.Environments;
using Portal.Web.Features.Environments.Drivers;
using Portal.Web.Features.Identity;
using static Portal.IntegrationTests.Environments.EnvironmentKit;

namespace Portal.IntegrationTests.Environments;

/// <summary>The real portal process killed (SIGKILL) in the middle of a provisioning run, then started again.</summary>
[Collection(PortalProcessCollection.Name)]
public sealed class EnvironmentCrashTests
{
    [Fact]
    public async Task A_portal_killed_while_pushing_the_gitops_commit_ends_ready_after_restart_with_exactly_one_commit()
    {
        var dir = TestCluster.NewDataDirectory("portal");
        var repository = Path.Combine(dir, "gitops.git");
        var reached = Path.Combine(dir, "push-reached");
        var release = Path.Combine(dir, "push-release");
        try
        {
            await GitOpsDriver.CreateRepositoryAsync(repository, new GitOpsOptions(), CancellationToken.None);
            // The repository holds the push after accepting it: the commit is in, the portal has not heard back yet.
            var hook = Path.Combine(repository, "hooks", "post-receive");
            await File.WriteAllTextAsync(hook, $"#!/bin/sh\ntouch '{reached}'\nwhile [ ! -f '{release}' ]; do sleep 0.1; done\n");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(hook, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
            var token = ApiTokenSecret.New();
            var settings = new Dictionary<string, string?>
            {
                ["Portal__BootstrapAdminToken"] = token,
                ["Portal__Environments__WorkDirectory"] = Path.Combine(dir, "environments"),
                ["Portal__Environments__GitOps__RepositoryUrl"] = repository,
                ["Portal__Environments__StaleRunSeconds"] = "3",
                ["Portal__Environments__WatchdogSeconds"] = "1",
            };

            var first = await PortalProcess.StartAsync(dir, settings);
            Guid id;
            using (var client = new HttpClient { BaseAddress = first.BaseAddress })
            {
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
                id = (await RequestAsync(client, new EnvironmentRequest("crash-dev", "refund-service", "dev", "small"))).Id;
                await Wait.UntilAsync(() => File.Exists(reached), Patience, "the provisioning push to reach the repository");
            }
            first.KillHard();
            await first.DisposeAsync();
            Assert.Equal(2, await CommitCountAsync(repository)); // the initial commit and the environment's, already in
            File.Delete(hook);
            await File.WriteAllTextAsync(release, "");         // lets the orphaned git push finish

            await using var second = await PortalProcess.StartAsync(dir, settings);
            using var again = new HttpClient { BaseAddress = second.BaseAddress };
            again.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var ready = await WaitForStatusAsync(again, id, "Ready");

            Assert.Equal(2, await CommitCountAsync(repository));
            Assert.Equal(6, (await FilesAsync(repository, "clusters/local/environments/crash-dev")).Count);
            var run = Assert.Single(ready.Runs);
            Assert.Equal("Succeeded", run.Status);
            Assert.Contains(run.Log, l => l.Step == "resume");
            Assert.Contains(run.Log, l => l.Step == "commit" && l.Message.Contains("nothing to commit", StringComparison.Ordinal));
            Assert.Single(ready.Transitions, t => t.To == "Ready");
        }
        finally
        {
            File.WriteAllText(release, "");
            TestCluster.TryDelete(dir);
        }
    }
}
