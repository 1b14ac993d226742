using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.IntegrationTests.Foundation;
using Portal.TestSupport;
using Portal.Web.Features.Identity;
using Portal.Web.Features.Templates;
using static Portal.IntegrationTests.Templates.TemplateKit;

namespace Portal.IntegrationTests.Templates;

/// <summary>The real portal process killed (SIGKILL) while a task is pushing its repository, then started again.</summary>
[Collection(PortalProcessCollection.Name)]
public sealed class ScaffolderRestartTests
{
    [Fact]
    public async Task A_portal_killed_mid_publish_completes_the_task_after_restart_without_pushing_twice()
    {
        var dir = TestCluster.NewDataDirectory("portal");
        var reached = Path.Combine(dir, "push-reached");
        var release = Path.Combine(dir, "push-release");
        try
        {
            // Every repository the first portal pushes to holds the push after accepting it (a global hooks folder).
            var gitConfig = HoldingGitConfig(dir, reached, release);
            var template = WriteServiceTemplate(Path.Combine(dir, "templates"));
            var token = ApiTokenSecret.New();
            var settings = new Dictionary<string, string?>
            {
                ["Portal__BootstrapAdminToken"] = token,
                ["Portal__Templates__StaleTaskSeconds"] = "5",
                ["Portal__Templates__WatchdogSeconds"] = "1",
                ["Portal__Templates__RegisterBuiltIns"] = "false",
            };

            Guid id;
            var first = await PortalProcess.StartAsync(dir, new Dictionary<string, string?>(settings) { ["GIT_CONFIG_GLOBAL"] = gitConfig });
            using (var client = new HttpClient { BaseAddress = first.BaseAddress })
            {
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
                await RegisterAsync(client, template);
                id = await CreateTaskAsync(client, "template:default/svc-template", new { name = "restart-api", owner = "group:default/payments" });
                await Wait.UntilAsync(async () =>
                {
                    var now = await GetTaskAsync(client, id);
                    Assert.False(ScaffolderTaskStatus.IsFinished(now.Status), $"The task ended {now.Status} before the push: {now.Error}\n{Describe(now)}");
                    return File.Exists(reached);
                }, Patience, "the publish push to reach the repository");
            }
            first.KillHard();
            await first.DisposeAsync();
            await File.WriteAllTextAsync(release, "");

            await using var second = await PortalProcess.StartAsync(dir, settings);
            using var again = new HttpClient { BaseAddress = second.BaseAddress };
            again.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var task = await WaitForAsync(again, id, ScaffolderTaskStatus.Completed);

            Assert.True(task.Attempts >= 2, $"attempts {task.Attempts}");
            Assert.Contains(task.Log, l => l.Message.StartsWith("Resuming", StringComparison.Ordinal));
            Assert.Contains(task.Log, l => l.StepId == "publish" && l.Message.Contains("already holds this task's commit", StringComparison.Ordinal));
            var repository = Path.Combine(dir, "repositories", "payments", "restart-api.git");
            Assert.Equal("1", (await Portal.Web.Infrastructure.Git.GitCli.RunAsync(repository, CancellationToken.None, "rev-list", "--count", "main")).Trim());
            var entity = await again.GetFromJsonAsync<JsonObject>("/api/catalog/entities/by-name/component/default/restart-api");
            Assert.Equal("group:default/payments", entity!["spec"]!["owner"]!.GetValue<string>());
        }
        finally
        {
            File.WriteAllText(release, "");
            TestCluster.TryDelete(dir);
        }
    }

    [Fact]
    public async Task Cancelling_a_task_stuck_in_its_push_stops_it_and_it_ends_cancelled()
    {
        var dir = TestCluster.NewDataDirectory("portal");
        var reached = Path.Combine(dir, "push-reached");
        var release = Path.Combine(dir, "push-release");
        try
        {
            var gitConfig = HoldingGitConfig(dir, reached, release);
            var token = ApiTokenSecret.New();
            await using var portal = await PortalProcess.StartAsync(dir, new Dictionary<string, string?>
            {
                ["Portal__BootstrapAdminToken"] = token,
                ["Portal__Templates__StaleTaskSeconds"] = "6",
                ["Portal__Templates__RegisterBuiltIns"] = "false",
                ["GIT_CONFIG_GLOBAL"] = gitConfig,
            });
            using var client = new HttpClient { BaseAddress = portal.BaseAddress };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            await RegisterAsync(client, WriteServiceTemplate(Path.Combine(dir, "templates")));
            var id = await CreateTaskAsync(client, "template:default/svc-template", new { name = "cancel-api", owner = "group:default/payments" });
            await Wait.UntilAsync(() => File.Exists(reached), Patience, "the publish push to reach the repository");

            var cancel = await client.PostAsync($"/api/scaffolder/tasks/{id}/cancel", null);
            var task = await WaitForAsync(client, id, ScaffolderTaskStatus.Cancelled);

            Assert.Equal(System.Net.HttpStatusCode.Accepted, cancel.StatusCode);
            Assert.Equal(StepStatus.Cancelled, task.Steps.Single(s => s.Id == "publish").Status);
            Assert.Equal(StepStatus.Cancelled, task.Steps.Single(s => s.Id == "register").Status);
            Assert.Equal("Cancelled by a user.", task.Error);
            Assert.Equal(System.Net.HttpStatusCode.NotFound, (await client.GetAsync("/api/catalog/entities/by-name/component/default/cancel-api")).StatusCode);
        }
        finally
        {
            File.WriteAllText(release, "");
            TestCluster.TryDelete(dir);
        }
    }

    /// <summary>A global git config whose post-receive hook holds every push (after the repository accepted it) until released.</summary>
    private static string HoldingGitConfig(string dir, string reached, string release)
    {
        var hooks = Path.Combine(dir, "hooks");
        Directory.CreateDirectory(hooks);
        var hook = Path.Combine(hooks, "post-receive");
        File.WriteAllText(hook, $"#!/bin/sh\ntouch '{reached}'\nwhile [ ! -f '{release}' ]; do sleep 0.1; done\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(hook, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var gitConfig = Path.Combine(dir, "gitconfig");
        File.WriteAllText(gitConfig, $"[core]\n\thooksPath = {hooks}\n");
        return gitConfig;
    }
}


/// <summary>A task whose worker keeps dying is failed with the reason, never left "processing".</summary>
public sealed class ScaffolderWatchdogTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>
{
    [Fact]
    public async Task A_task_that_lost_its_worker_too_often_fails_with_the_reason()
    {
        await using var db = await factory.DbAsync();
        var task = new ScaffolderTask
        {
            TemplateRef = "template:default/gone", TemplateTitle = "Gone", TemplateDocument = "{}", Values = "{}", CreatedBy = "ana.silva",
            Status = ScaffolderTaskStatus.Processing, Attempts = 4, CreatedAt = DateTimeOffset.UtcNow.AddMinutes(-30),
            HeartbeatAt = DateTimeOffset.UtcNow.AddMinutes(-20),
            Steps = [new TaskStepState { Id = "publish", Name = "Publish", Action = "publish:git", Status = StepStatus.Processing }],
        };
        db.ScaffolderTasks.Add(task);
        await db.SaveChangesAsync();

        await factory.Services.GetRequiredService<ScaffolderTaskWatchdog>().RecoverAsync(CancellationToken.None);

        await using var after = await factory.DbAsync();
        var failed = await after.ScaffolderTasks.AsNoTracking().SingleAsync(t => t.Id == task.Id);
        Assert.Equal(ScaffolderTaskStatus.Failed, failed.Status);
        Assert.Equal("The portal stopped 4 times while running this task (in step 'Publish'); it was given up. Retry it to carry on from there.", failed.Error);
        Assert.Equal(StepStatus.Failed, failed.Steps.Single().Status);
        Assert.True(await after.ScaffolderLogLines.AnyAsync(l => l.TaskId == task.Id && l.Level == "error"));
    }
}
