using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json.Nodes;
using Bunit;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using Portal.TestSupport;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Identity;
using Portal.Web.Features.Templates;
using Portal.Web.Features.Templates.Pages;
using static Portal.IntegrationTests.Templates.TemplateKit;

namespace Portal.IntegrationTests.Templates;

/// <summary>
/// How many unfinished runs one person may have (security review F5): Portal:Templates:MaxActiveTasksPerUser, 3 here.
/// The portal's single job worker is kept busy by a job of the test's own, so the runs stay queued (open) as they do
/// behind a long run; parallel requests past the limit get 429 with Retry-After, never one task too many; dry runs,
/// other people and finished runs are not counted; a retry counts as a new run; the form shows the same message.
/// </summary>
public sealed class TemplateActiveTaskLimitTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IAsyncLifetime
{
    private const int Limit = 3;
    private const string Template = "template:default/queued-run";
    private static readonly TimeSpan RenderWait = TimeSpan.FromSeconds(30);
    private string _ana = "", _ben = "", _anaId = "";

    public async Task InitializeAsync()
    {
        factory.Settings["Portal:Templates:MaxActiveTasksPerUser"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await factory.SeedDemoAsync();
        PortalUser ana;
        (ana, _ana) = await factory.UserWithTokenAsync("ana.silva", "ana.silva@northwind.example");
        _anaId = ana.Id;
        (_, _ben) = await factory.UserWithTokenAsync("ben.okafor", "ben.okafor@northwind.example");
        await using var db = await factory.DbAsync();
        if (!await db.CatalogEntities.AnyAsync(e => e.EntityRef == Template))
        {
            using var admin = factory.AdminClient();
            await RegisterAsync(admin, WriteTemplate(Path.Combine(factory.TemplatesFolder, "active-limit"), "queued-run",
                "  steps:\n    - {id: say, name: Say, action: debug:log, input: {message: hello}}\n"));
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static Task<HttpResponseMessage> RunAsync(HttpClient client) =>
        client.PostAsJsonAsync("/api/scaffolder/tasks", new { templateRef = Template, values = new { } });

    private async Task<int> UnfinishedAsync(string userId)
    {
        await using var db = await factory.DbAsync();
        return await db.ScaffolderTasks.CountAsync(t => t.CreatedByUserId == userId
            && (t.Status == ScaffolderTaskStatus.Open || t.Status == ScaffolderTaskStatus.Processing));
    }

    /// <summary>Occupies the portal's one job worker until disposed, so tasks created meanwhile wait queued.</summary>
    private async Task<BusyWorker> OccupyWorkerAsync()
    {
        var busy = new BusyWorker();
        factory.Services.GetRequiredService<IBackgroundJobClient>().Enqueue(() => BusyWorker.HoldAsync(busy.Key));
        await Wait.UntilAsync(() => busy.Started, TimeSpan.FromSeconds(60), "the job worker to be busy");
        return busy;
    }

    [Fact]
    public async Task Parallel_runs_past_the_limit_get_429_with_the_limit_and_Retry_After_and_no_more_than_the_limit_is_queued()
    {
        using var ana = factory.ClientWithToken(_ana);
        using var ben = factory.ClientWithToken(_ben);
        await Wait.UntilAsync(async () => await UnfinishedAsync(_anaId) == 0, Patience, "ana's earlier runs to finish");
        using (var busy = await OccupyWorkerAsync())
        {
            // Ten at once: each is counted under ana's lock, so exactly three are queued.
            var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => RunAsync(ana)));
            var created = answers.Where(a => a.StatusCode == HttpStatusCode.Created).ToList();
            var refused = answers.Where(a => a.StatusCode != HttpStatusCode.Created).ToList();
            Assert.Equal(Limit, created.Count);
            Assert.All(refused, a => Assert.Equal(HttpStatusCode.TooManyRequests, a.StatusCode));
            Assert.Equal(Limit, await UnfinishedAsync(_anaId));
            var problem = JsonNode.Parse(await refused[0].Content.ReadAsStringAsync())!;
            Assert.Equal("You have 3 template runs queued or running; one person may have at most 3 at once (Portal:Templates:MaxActiveTasksPerUser). "
                + "Wait until one finishes, or cancel one, then try again.", problem["detail"]!.GetValue<string>());
            Assert.Equal((429, Limit, Limit), (problem["status"]!.GetValue<int>(), problem["limit"]!.GetValue<int>(), problem["active"]!.GetValue<int>()));
            Assert.Equal(TimeSpan.FromSeconds(ActiveTaskLimit.RetryAfterSeconds), refused[0].Headers.RetryAfter?.Delta);

            // A dry run creates no task and is not refused; another person's runs are their own.
            Assert.Equal(HttpStatusCode.OK, (await ana.PostAsJsonAsync("/api/templates/default/queued-run/dry-run", new { values = new { } })).StatusCode);
            Assert.Equal(HttpStatusCode.Created, (await RunAsync(ben)).StatusCode);

            // Cancelling a queued run makes room for one; retrying the cancelled one would be a fourth, so it is refused too.
            var first = JsonNode.Parse(await created[0].Content.ReadAsStringAsync())!["id"]!.GetValue<Guid>();
            Assert.Equal(HttpStatusCode.Accepted, (await ana.PostAsync($"/api/scaffolder/tasks/{first}/cancel", null)).StatusCode);
            Assert.Equal(HttpStatusCode.Created, (await RunAsync(ana)).StatusCode);
            var retry = await ana.PostAsync($"/api/scaffolder/tasks/{first}/retry", null);
            Assert.Equal(HttpStatusCode.TooManyRequests, retry.StatusCode);
            Assert.Contains("at most 3 at once", await retry.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal(ScaffolderTaskStatus.Cancelled, (await GetTaskAsync(ana, first)).Status);
            Assert.Equal(Limit, await UnfinishedAsync(_anaId));
        }

        // Once the queue moves, finished runs are not counted: ana may run again.
        await Wait.UntilAsync(async () => await UnfinishedAsync(_anaId) == 0, Patience, "ana's queued runs to finish");
        Assert.Equal(HttpStatusCode.Created, (await RunAsync(ana)).StatusCode);
    }

    [Fact]
    public async Task The_form_shows_the_limit_instead_of_creating_a_run_and_keeps_the_review()
    {
        await Wait.UntilAsync(async () => await UnfinishedAsync(_anaId) == 0, Patience, "ana's earlier runs to finish");
        using var busy = await OccupyWorkerAsync();
        using (var ana = factory.ClientWithToken(_ana))
        {
            for (var i = 0; i < Limit; i++)
            {
                await CreateTaskAsync(ana, Template, new { });
            }
        }

        await using var context = new BunitContext();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddMudServices();
        context.Services.AddSingleton(factory.Services.GetRequiredService<ScaffolderService>());
        context.Services.AddSingleton(factory.Services.GetRequiredService<TemplateRunner>());
        var auth = context.AddAuthorization();
        auth.SetAuthorized("ana.silva");
        auth.SetClaims([new Claim(ClaimTypes.NameIdentifier, _anaId), new Claim(PortalClaims.Team, "group:default/payments")]);
        context.Render<MudPopoverProvider>();
        context.Render<MudSnackbarProvider>();
        var page = context.Render<TemplateFormPage>(p => p.Add(x => x.Ns, "default").Add(x => x.Name, "queued-run"));
        page.WaitForElement("[data-testid=form-create]", RenderWait);

        await page.InvokeAsync(() => page.Find("[data-testid=form-create]").Click());

        page.WaitForAssertion(() => Assert.Equal(
            "You have 3 template runs queued or running; one person may have at most 3 at once (Portal:Templates:MaxActiveTasksPerUser). "
            + "Wait until one finishes, or cancel one, then try again.", page.Find("[data-testid=task-limit]").TextContent.Trim()), RenderWait);
        Assert.Empty(page.FindAll("[data-testid=server-errors]"));
        Assert.NotNull(page.Find("[data-testid=review-table]"));
        Assert.DoesNotContain("/create/tasks/", context.Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>().Uri,
            StringComparison.Ordinal); // not sent to a task page
        Assert.Equal(Limit, await UnfinishedAsync(_anaId));
    }
}

/// <summary>A job of the test's own that holds the portal's job worker until released (see <see cref="TemplateActiveTaskLimitTests"/>).</summary>
public sealed class BusyWorker : IDisposable
{
    private static readonly ConcurrentDictionary<Guid, (TaskCompletionSource Started, TaskCompletionSource Release)> Holds = new();

    public BusyWorker() => Holds[Key] = (new(TaskCreationOptions.RunContinuationsAsynchronously), new(TaskCreationOptions.RunContinuationsAsynchronously));

    public Guid Key { get; } = Guid.NewGuid();

    public bool Started => Holds[Key].Started.Task.IsCompleted;

    [AutomaticRetry(Attempts = 0)]
    public static Task HoldAsync(Guid key)
    {
        if (!Holds.TryGetValue(key, out var hold))
        {
            return Task.CompletedTask; // released and forgotten already
        }
        hold.Started.TrySetResult();
        return hold.Release.Task.WaitAsync(TimeSpan.FromMinutes(5));
    }

    public void Dispose()
    {
        if (Holds.TryRemove(Key, out var hold))
        {
            hold.Release.TrySetResult();
        }
    }
}
