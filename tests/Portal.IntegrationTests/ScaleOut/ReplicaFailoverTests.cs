using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Hangfire;
using Hangfire.PostgreSql;
using Npgsql;
using Portal.IntegrationTests.Foundation;
using Portal.IntegrationTests.Templates;
using Portal.TestSupport;
using Portal.Web.Features.Cost;
using Portal.Web.Features.Environments;
using Portal.Web.Features.Environments.Drivers;
using Portal.Web.Features.Templates;
using Portal.Web.Infrastructure.Jobs;
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
        var killed = pinned == ReplicaProxy.DestinationId(0) ? 0 : 1;
        await Wait.UntilAsync(() => replicas.Proxy.Healthy(0) && replicas.Proxy.Healthy(1), TimeSpan.FromSeconds(30), "both replicas to pass the proxy's readiness check");

        // Nothing but the proxy's readiness checks takes the dead replica out (two failed probes, a second apart).
        var outOfRotation = await replicas.KillAsync(killed);
        Assert.True(outOfRotation < TimeSpan.FromSeconds(15), $"out of rotation after {outOfRotation}");
        Assert.True(replicas.Proxy.InRotation(1 - killed));

        var after = await browser.GetAsync(replicas.Proxy.BaseAddress, "catalog");
        Assert.Equal(HttpStatusCode.OK, after.StatusCode); // not a redirect to the sign-in page
        Assert.NotEqual(pinned, after.Headers.GetValues(ReplicaProxy.ReplicaHeader).Single());
        for (var i = 0; i < 4; i++)
        {
            // Round-robin API calls all reach the survivor: none is sent to the dead replica.
            var me = await browser.GetAsync(replicas.Proxy.BaseAddress, "api/identity/me");
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
            Assert.Equal(ReplicaProxy.DestinationId(1 - killed), me.Headers.GetValues(ReplicaProxy.ReplicaHeader).Single());
        }
    }

    [Fact]
    public async Task A_provisioning_run_whose_replica_is_killed_mid_push_is_finished_once_by_the_other_replica()
    {
        var dir = TestCluster.NewDataDirectory("gitops");
        Directory.CreateDirectory(dir);
        var repository = Path.Combine(dir, "gitops.git");
        var held = new HeldPush(dir);
        try
        {
            await GitOpsDriver.CreateRepositoryAsync(repository, new GitOpsOptions(), CancellationToken.None);
            held.WriteHook(Path.Combine(repository, "hooks"));
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
            await Wait.UntilAsync(() => held.Reached, Patience, "the provisioning push to reach the repository");

            await replicas.KillAsync(await held.PusherAsync(replicas));
            Assert.Equal(2, await CommitCountAsync(repository)); // the initial commit and the environment's, already in
            held.Release(); // lets the orphaned git push finish

            var ready = await WaitForStatusAsync(admin, id, "Ready");
            Assert.Equal(2, await CommitCountAsync(repository)); // finished by the other replica, not committed twice
            var run = Assert.Single(ready.Runs);
            Assert.Equal("Succeeded", run.Status);
            Assert.Contains(run.Log, l => l.Step == "resume");
            Assert.Single(ready.Transitions, t => t.To == "Ready");
        }
        finally
        {
            held.Release();
            TestCluster.TryDelete(dir);
        }
    }

    [Fact]
    public async Task A_scaffolder_task_whose_replica_is_killed_mid_publish_is_completed_once_by_the_other_replica()
    {
        var dir = TestCluster.NewDataDirectory("scaffold");
        Directory.CreateDirectory(dir);
        var held = new HeldPush(dir);
        try
        {
            var template = TemplateKit.WriteServiceTemplate(Path.Combine(dir, "templates"));
            var repositories = Path.Combine(dir, "repositories");
            await using var replicas = await PortalReplicas.StartAsync(2, new Dictionary<string, string?>
            {
                // Every replica publishes into the same repository host (as they would to one GitHub organisation).
                ["Portal__Templates__RepositoryRoot"] = repositories,
                ["Portal__Templates__StaleTaskSeconds"] = "5",
                ["Portal__Templates__WatchdogSeconds"] = "1",
                ["Portal__Templates__RegisterBuiltIns"] = "false",
                ["GIT_CONFIG_GLOBAL"] = held.GlobalGitConfig(dir),
            });
            using var admin = replicas.AdminClient();
            Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/catalog/entities", JsonNode.Parse("""
                {"apiVersion": "backstage.io/v1alpha1", "kind": "Group", "metadata": {"name": "payments"}, "spec": {"type": "team", "children": []} }
                """))).StatusCode);
            await TemplateKit.RegisterAsync(admin, template);
            var id = await TemplateKit.CreateTaskAsync(admin, "template:default/svc-template", new { name = "failover-api", owner = "group:default/payments" });
            await Wait.UntilAsync(async () =>
            {
                var now = await TemplateKit.GetTaskAsync(admin, id);
                Assert.False(ScaffolderTaskStatus.IsFinished(now.Status), $"The task ended {now.Status} before the push: {now.Error}\n{TemplateKit.Describe(now)}");
                return held.Reached;
            }, TemplateKit.Patience, "the publish push to reach the repository");

            await replicas.KillAsync(await held.PusherAsync(replicas));
            held.Release(); // lets the orphaned git push finish

            var task = await TemplateKit.WaitForAsync(admin, id, ScaffolderTaskStatus.Completed);
            Assert.True(task.Attempts >= 2, $"attempts {task.Attempts}");
            Assert.Single(task.Log, l => l.Message.StartsWith("Resuming", StringComparison.Ordinal));
            Assert.All(task.Steps, s => Assert.Equal(StepStatus.Completed, s.Status));
            Assert.Equal(task.Steps.Count, task.Steps.Select(s => s.Id).Distinct().Count());
            // Published once: the push the killed replica made is the only one, and the other replica recognised it.
            Assert.Equal(1, held.Pushes);
            Assert.Single(task.Log, l => l.StepId == "publish" && l.Message.Contains("already holds this task's commit", StringComparison.Ordinal));
            var repository = Path.Combine(repositories, "payments", "failover-api.git");
            Assert.Equal("1", (await Portal.Web.Infrastructure.Git.GitCli.RunAsync(repository, CancellationToken.None, "rev-list", "--count", "main")).Trim());
            // Registered once, by the replica that finished.
            Assert.Single(task.Log, l => l.StepId == "register" && l.Message.StartsWith("Registered ", StringComparison.Ordinal));
            Assert.DoesNotContain(task.Log, l => l.StepId == "register" && l.Message.Contains("already registered", StringComparison.Ordinal));
            Assert.Equal(1L, await PostgresProbe.ScalarAsync(replicas.ConnectionString, "SELECT count(*) FROM catalog_locations WHERE target LIKE '%failover-api%'"));
            var entity = await admin.GetFromJsonAsync<JsonObject>("/api/catalog/entities/by-name/component/default/failover-api");
            Assert.Equal("group:default/payments", entity!["spec"]!["owner"]!.GetValue<string>());
        }
        finally
        {
            held.Release();
            TestCluster.TryDelete(dir);
        }
    }

    [Fact]
    public async Task A_cost_folder_import_whose_replica_is_killed_mid_transaction_is_run_again_by_the_other_replica_and_counted_once()
    {
        var dir = TestCluster.NewDataDirectory("billing");
        var folder = Path.Combine(dir, "drop");
        Directory.CreateDirectory(folder);
        try
        {
            const int Rows = 2_000;
            var start = new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc);
            var rows = Enumerable.Range(0, Rows).Select(i => FocusCsvWriter.Usage(start.AddHours(i % 700), 0.01m * (i % 97 + 1), "AWS", "Amazon EC2", "Compute",
                "us-east-1", $"i-{i % 50}", new Dictionary<string, string> { ["team"] = "payments" })).ToList();
            var file = Path.Combine(folder, "aws-2026-03.csv");
            await using (var csv = new StreamWriter(file))
            {
                FocusCsvWriter.WriteHeader(csv);
                rows.ForEach(r => FocusCsvWriter.WriteRow(csv, r));
            }
            await using var replicas = await PortalReplicas.StartAsync(2, new Dictionary<string, string?>
            {
                ["Portal__Cost__WatchFolder"] = folder,
                ["Portal__Cost__WatchIntervalMinutes"] = "59", // the test starts the run itself
                ["Portal__Jobs__InvisibilityTimeoutSeconds"] = "8",
                ["Portal__Jobs__DistributedLockTimeoutSeconds"] = "10",
            });
            // Holds the import inside its transaction: its rows are copied, the daily rollup waits for this lock.
            await using var blocker = new NpgsqlConnection(replicas.ConnectionString);
            await blocker.OpenAsync();
            await using var hold = await blocker.BeginTransactionAsync();
            await using (var lockTable = new NpgsqlCommand("LOCK TABLE cost_daily IN SHARE MODE", blocker, hold))
            {
                await lockTable.ExecuteNonQueryAsync();
            }

            // What an operator's "Trigger now" in the jobs dashboard does.
            var storageOptions = new PostgreSqlStorageOptions { SchemaName = JobsSetup.Schema, PrepareSchemaIfNecessary = false };
            var storage = new PostgreSqlStorage(new Hangfire.PostgreSql.Factories.NpgsqlConnectionFactory(replicas.ConnectionString, storageOptions), storageOptions);
            var job = new RecurringJobManager(storage).TriggerJob(CostFolderImportJob.RecurringId);
            await Wait.UntilAsync(async () => (long)(await PostgresProbe.ScalarAsync(replicas.ConnectionString, """
                SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND wait_event_type = 'Lock' AND query LIKE '%cost_daily%'
                """))! == 1, TimeSpan.FromSeconds(60), "the import to wait inside its transaction");
            var importing = Enumerable.Range(0, replicas.Count).Single(i => HoldsOpen(replicas[i].ProcessId, file));

            await replicas.KillAsync(importing);
            await hold.RollbackAsync(); // the killed replica's transaction never commits: nothing of it stays

            string? state = null;
            await Wait.UntilAsync(async () => (state = (string?)await PostgresProbe.ScalarAsync(replicas.ConnectionString,
                $"SELECT statename FROM hangfire.job WHERE id = {long.Parse(job, CultureInfo.InvariantCulture)}")) is "Succeeded" or "Failed",
                TimeSpan.FromSeconds(60), "the other replica to run the job again");
            Assert.True(state == "Succeeded", $"The job ended {state}.\n{replicas.Output()}");
            Assert.Equal(2L, await PostgresProbe.ScalarAsync(replicas.ConnectionString,
                $"SELECT count(DISTINCT data::jsonb ->> 'ServerId') FROM hangfire.state WHERE jobid = {job} AND name = 'Processing'"));

            // Counted once: one import, every row once, and the rollup agrees.
            const string Import = "(SELECT id FROM cost_imports WHERE file_name = 'aws-2026-03.csv')";
            Assert.Equal(1L, await PostgresProbe.ScalarAsync(replicas.ConnectionString, "SELECT count(*) FROM cost_imports"));
            Assert.Equal("succeeded", await PostgresProbe.ScalarAsync(replicas.ConnectionString, "SELECT status FROM cost_imports WHERE file_name = 'aws-2026-03.csv'"));
            Assert.Equal((long)Rows, await PostgresProbe.ScalarAsync(replicas.ConnectionString, $"SELECT count(*) FROM cost_line_items WHERE import_id = {Import}"));
            Assert.Equal(0L, await PostgresProbe.ScalarAsync(replicas.ConnectionString, $"SELECT count(*) FROM cost_line_items WHERE import_id <> {Import}"));
            var total = rows.Sum(r => r.BilledCost);
            Assert.Equal(total, (decimal)(await PostgresProbe.ScalarAsync(replicas.ConnectionString, "SELECT sum(billed_cost) FROM cost_line_items"))!);
            Assert.Equal(total, (decimal)(await PostgresProbe.ScalarAsync(replicas.ConnectionString, "SELECT sum(billed_cost) FROM cost_daily"))!);
            Assert.Empty(Directory.GetFiles(folder));
            Assert.EndsWith("-aws-2026-03.csv", Assert.Single(Directory.GetFiles(Path.Combine(folder, "imported"))), StringComparison.Ordinal);
        }
        finally
        {
            TestCluster.TryDelete(dir);
        }
    }

    /// <summary>Whether process <paramref name="pid"/> has <paramref name="path"/> open (Linux: its /proc fd links).</summary>
    private static bool HoldsOpen(int pid, string path)
    {
        try
        {
            return Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd").Any(fd => new FileInfo(fd).LinkTarget == Path.GetFullPath(path));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
