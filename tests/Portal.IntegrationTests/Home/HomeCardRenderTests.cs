using System.Security.Claims;
using System.Net;
using System.Net.Http.Json;
using Bunit;
using Hangfire;
using Hangfire.States;
using Microsoft.Extensions.Options;
using Portal.TestSupport;
using Portal.Web.Components.Home;
using Portal.Web.Features.Slo;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Portal.Web.Data;
using Portal.Web.Features.Catalog.Pages;
using Portal.Web.Features.Environments;
using Portal.Web.Features.Environments.Pages;
using Portal.Web.Features.Identity;
using Portal.Web.Features.Templates;
using Portal.Web.Features.Templates.Pages;
using Portal.Web.Infrastructure.Extensions;
using static Portal.IntegrationTests.Environments.EnvironmentKit;

namespace Portal.IntegrationTests.Home;

/// <summary>
/// The personal home's cards rendered with bUnit over the real database (issue #24): each card asks its feature's
/// queries for the person in the cascading authentication state, and shows their answer, or an empty state that
/// says why, or nothing at all (approvals for someone who decides nothing).
/// </summary>
public sealed class HomeCardRenderTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IAsyncLifetime
{
    private PortalUser _ben = null!;
    private string _benToken = "";

    public async Task InitializeAsync()
    {
        await factory.SeedDemoAsync();
        (_ben, _benToken) = await factory.UserWithTokenAsync("ben.okafor", "ben.okafor@northwind.example");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>The first render runs the feature's first queries over the database (EF model, connection pool).</summary>
    private static readonly TimeSpan RenderWait = TimeSpan.FromSeconds(10);

    /// <summary>Disposed with <c>await using</c>: MudBlazor's key interceptor is only asynchronously disposable.</summary>
    private BunitContext Context(string userId, string userName, string[] teams, params string[] roles)
    {
        var context = new BunitContext();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddMudServices();
        context.Services.AddSingleton(factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>());
        context.Services.AddSingleton(TimeProvider.System);
        context.Services.AddSingleton(factory.Services.GetRequiredService<ScaffolderService>());
        context.Services.AddSingleton(factory.Services.GetRequiredService<JobStorage>());
        context.Services.AddSingleton(factory.Services.GetRequiredService<IOptions<SloOptions>>());
        // The features' own "My services" columns (SLOs, cost, scorecard), as the app registers them.
        foreach (var column in factory.Services.GetServices<IComponentFactColumn>())
        {
            context.Services.AddSingleton(column);
        }
        var auth = context.AddAuthorization();
        auth.SetAuthorized(userName);
        // Roles before claims: bUnit's SetRoles rebuilds the principal from the name and roles only, so claims set
        // before it are dropped (the cards then saw no user id and no team, and waited for rows that never came).
        auth.SetRoles(roles);
        auth.SetClaims([new Claim(ClaimTypes.NameIdentifier, userId), .. teams.Select(t => new Claim(PortalClaims.Team, t))]);
        return context;
    }

    [Fact]
    public async Task My_services_lists_the_teams_components_and_explains_when_there_is_no_team()
    {
        await using (var member = Context("bunit-member", "ben.okafor", ["group:default/payments"]))
        {
            var card = member.Render<MyServicesHomeCard>();
            card.WaitForAssertion(() => Assert.NotEmpty(card.FindAll("[data-testid=home-service]")), RenderWait);
            var names = card.FindAll("[data-testid=home-service] a").Select(a => a.TextContent).ToList();
            Assert.Contains("payment-gateway", names);
            Assert.DoesNotContain("cart-service", names);
            Assert.Equal("/catalog/component/default/payment-gateway", card.Find("a[title='component:default/payment-gateway']").GetAttribute("href"));
            // Each feature's column has its heading and a cell in every row (a fact, or a dash saying there is none yet).
            Assert.Equal(["Component", "SLOs", "Cost this month", "Scorecard"], card.FindAll("thead th").Select(th => th.TextContent.Trim()));
            Assert.All(card.FindAll("[data-testid=home-service]"), row => Assert.Equal(4, row.QuerySelectorAll("td").Length));
        }
        await using var loner = Context("bunit-loner", "loner", []);
        var empty = loner.Render<MyServicesHomeCard>();
        empty.WaitForAssertion(() => Assert.Contains("You are in no team yet", empty.Find("[data-testid=home-no-team]").TextContent, StringComparison.Ordinal), RenderWait);
        Assert.Empty(empty.FindAll("[data-testid=home-service]"));
    }

    [Fact]
    public async Task Approvals_show_only_to_approvers_and_my_environments_show_the_teams_with_their_expiry()
    {
        using var ben = factory.ClientWithToken(_benToken);
        var prod = await RequestAsync(ben, new EnvironmentRequest("bunit-gateway-prod", "payment-gateway", "prod", "medium", "us-east-1"));
        Assert.Equal("PendingApproval", prod.Status);

        // A member who decides nothing: the card renders nothing at all, not an empty box.
        await using (var member = Context(_ben.Id, "ben.okafor", ["group:default/payments"]))
        {
            var approvals = member.Render<ApprovalsHomeCard>();
            var mine = member.Render<MyEnvironmentsHomeCard>();
            mine.WaitForAssertion(() => Assert.Contains("bunit-gateway-prod", mine.Find("[data-testid=home-environment]").TextContent, StringComparison.Ordinal), RenderWait);
            Assert.Equal("", approvals.Markup.Trim());
            Assert.Contains("Pending approval", mine.Find("[data-testid=environment-status]").TextContent, StringComparison.Ordinal);
            Assert.Equal("when ready + TTL", mine.Find("[data-testid=home-environment-expiry]").TextContent.Trim());
        }

        await using var approver = Context("bunit-approver", "bunit-approver", [], PortalRoles.Approver);
        var waiting = approver.Render<ApprovalsHomeCard>();
        waiting.WaitForAssertion(() => Assert.Contains("bunit-gateway-prod", waiting.Find("[data-testid=home-approval]").TextContent, StringComparison.Ordinal), RenderWait);
        // Who asked, by their catalog profile's name; the user name on hover. The service by its name, never wrapped mid-word.
        Assert.NotNull(waiting.Find("[data-testid=home-approval] span[title='ben.okafor']"));
        Assert.Equal("Ben Okafor", waiting.Find("[data-testid=home-approval] span[title='ben.okafor']").TextContent.Trim());
        Assert.Contains("white-space:nowrap", waiting.Find("[data-testid=home-environment-service]").GetAttribute("style"), StringComparison.Ordinal);
        Assert.Matches(@"Decide \(\d+\)", waiting.Markup);
        // The approver has no team: no environment is theirs.
        var theirs = approver.Render<MyEnvironmentsHomeCard>();
        theirs.WaitForAssertion(() => Assert.Contains("No environments of yours are running", theirs.Markup, StringComparison.Ordinal), RenderWait);
    }

    [Fact]
    public async Task My_tasks_says_how_to_start_when_there_are_none()
    {
        await using var member = Context("bunit-nobody", "nobody", []);
        var tasks = member.Render<MyTasksHomeCard>();
        tasks.WaitForAssertion(() => Assert.Contains("You have run no template yet", tasks.Markup, StringComparison.Ordinal), RenderWait);
        Assert.Empty(tasks.FindAll("[data-testid=home-task]"));
    }

    [Fact]
    public async Task Platform_health_counts_a_background_job_that_really_failed_and_says_an_slo_without_data_has_none_yet()
    {
        // An SLO of the portal itself that has no data yet: no budget to report, and the card says so.
        using var admin = factory.AdminClient();
        var slo = await admin.PostAsJsonAsync("/api/slos", new
        {
            name = "bunit-portal-latency", displayName = "Portal latency (bUnit)", component = "portal", indicator = "availability",
            target = 0.99m, window = new { kind = "rolling", days = 7 },
        });
        Assert.Equal(HttpStatusCode.Created, slo.StatusCode);

        await using var context = Context("bunit-admin", "bunit-admin", [], PortalRoles.Admin);
        var before = context.Render<PlatformHealthCard>();
        before.WaitForAssertion(() => Assert.NotEmpty(before.FindAll("[data-testid=platform-slo]")), RenderWait);
        var row = before.FindAll("[data-testid=platform-slo]").Single(r => r.TextContent.Contains("Portal latency (bUnit)", StringComparison.Ordinal));
        Assert.Equal("no data yet", row.QuerySelector("[data-testid=platform-slo-budget]")!.TextContent.Trim());
        var failedBefore = FailedCount(before.Find("[data-testid=platform-failed-jobs]").TextContent);

        // A job that throws, run by the portal's own Hangfire server; no retries, so it lands in Failed at once.
        var jobId = factory.Services.GetRequiredService<IBackgroundJobClient>().Enqueue(() => AlwaysFailingJob.Run());
        var monitoring = factory.Services.GetRequiredService<JobStorage>().GetMonitoringApi();
        await Wait.UntilAsync(() => monitoring.JobDetails(jobId)?.History.FirstOrDefault()?.StateName == FailedState.StateName,
            TimeSpan.FromSeconds(30), $"job {jobId} to fail");

        var after = context.Render<PlatformHealthCard>();
        after.WaitForAssertion(() => Assert.Equal(failedBefore + 1, FailedCount(after.Find("[data-testid=platform-failed-jobs]").TextContent)), RenderWait);
        Assert.Contains("failed job", after.Find("[data-testid=platform-failed-jobs]").TextContent, StringComparison.Ordinal);
    }

    /// <summary>"No failed jobs", "1 failed job", "3 failed jobs" as a number.</summary>
    private static long FailedCount(string text)
    {
        var trimmed = text.Trim();
        return trimmed.StartsWith("No failed", StringComparison.Ordinal) ? 0 : long.Parse(trimmed.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>A background job that always throws, without Hangfire's automatic retries (which would hold it in Scheduled).</summary>
public static class AlwaysFailingJob
{
    [AutomaticRetry(Attempts = 0)]
    public static void Run() => throw new InvalidOperationException("This job fails on purpose (HomeCardRenderTests).");
}
