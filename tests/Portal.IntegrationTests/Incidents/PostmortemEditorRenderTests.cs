using System.Security.Claims;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using Portal.Web.Data;
using Portal.Web.Features.Identity;
using Portal.Web.Features.Incidents;
using Portal.Web.Features.Incidents.Pages;

namespace Portal.IntegrationTests.Incidents;

/// <summary>
/// The incident page's postmortem editor rendered with bUnit over the real database (issue #21): the component's team
/// edits the text and the action items (owners picked by display name), saves, and a fresh page shows what was saved;
/// a member of another team sees it read-only, and the shared save command refuses them.
/// </summary>
public sealed class PostmortemEditorRenderTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IAsyncLifetime
{
    public Task InitializeAsync() => factory.SeedDemoAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private BunitContext Context(string userName, params string[] teams)
    {
        var context = new BunitContext();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddMudServices();
        context.Services.AddSingleton(factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>());
        var auth = context.AddAuthorization();
        auth.SetAuthorized(userName);
        auth.SetClaims([new Claim(ClaimTypes.NameIdentifier, $"bunit-{userName}"), .. teams.Select(t => new Claim(PortalClaims.Team, t))]);
        context.Render<MudPopoverProvider>();
        return context;
    }

    private async Task<IncidentView> NewIncidentAsync(string title)
    {
        await using var db = await factory.DbAsync();
        var incident = new Incident
        {
            Title = title, ComponentRef = "component:default/payment-gateway", Severity = "page", Status = IncidentLifecycle.Resolved,
            TriggeredAt = DateTimeOffset.UtcNow.AddHours(-2), ResolvedAt = DateTimeOffset.UtcNow.AddHours(-1), SloName = title,
        };
        db.Incidents.Add(incident);
        await db.SaveChangesAsync();
        return (await IncidentQueries.GetAsync(db, incident.Id, CancellationToken.None))!;
    }

    [Fact]
    public async Task The_owning_team_edits_the_text_and_an_owned_action_item_saves_and_sees_them_after_a_reload()
    {
        var incident = await NewIncidentAsync($"pm-edit-{Guid.NewGuid():N}");
        await using (var ana = Context("ana.silva", "group:default/payments"))
        {
            var editor = ana.Render<PostmortemEditor>(p => p.Add(e => e.Incident, incident));
            editor.WaitForElement("textarea[data-testid=postmortem-text], [data-testid=postmortem-text] textarea", TimeSpan.FromSeconds(20));
            // The generated draft's three action items, owned by the team, are there to edit.
            Assert.Equal(3, editor.FindAll("[data-testid=postmortem-action]").Count);
            await editor.InvokeAsync(() => editor.Find("textarea[data-testid=postmortem-text], [data-testid=postmortem-text] textarea").Change("# Postmortem\n\n## Root cause\n\nAn expired acquirer certificate."));
            await editor.InvokeAsync(() => editor.FindAll("[data-testid=postmortem-action-remove]")[0].Click());
            editor.WaitForAssertion(() => Assert.Equal(2, editor.FindAll("[data-testid=postmortem-action]").Count));
            await editor.InvokeAsync(() => editor.Find("[data-testid=postmortem-action-add]").Click());
            editor.WaitForAssertion(() => Assert.Equal(3, editor.FindAll("[data-testid=postmortem-action]").Count));
            var rows = editor.FindAll("[data-testid=postmortem-action]");
            Assert.Equal(3, rows.Count);
            // A new item is the person's own, shown by display name, due in two weeks.
            Assert.True(rows[^1].InnerHtml.Contains("Ana Silva", StringComparison.Ordinal), rows[^1].InnerHtml);
            await editor.InvokeAsync(() => editor.FindAll("input[data-testid=postmortem-action-text], [data-testid=postmortem-action-text] input")[^1].Change("Alert on certificate expiry"));
            await editor.InvokeAsync(() => editor.Find("input[data-testid=postmortem-preview-toggle], [data-testid=postmortem-preview-toggle] input").Change(true));
            editor.WaitForAssertion(() => Assert.Contains("<h4>Root cause</h4>", editor.Find("[data-testid=incident-postmortem-text]").InnerHtml, StringComparison.Ordinal));
            await editor.InvokeAsync(() => editor.Find("input[data-testid=postmortem-preview-toggle], [data-testid=postmortem-preview-toggle] input").Change(false));
            Assert.Contains("not saved yet", editor.Markup, StringComparison.Ordinal);
            await editor.InvokeAsync(() => editor.Find("[data-testid=postmortem-save]").Click());
            editor.WaitForAssertion(() => Assert.DoesNotContain("not saved yet", editor.Markup, StringComparison.Ordinal), TimeSpan.FromSeconds(20));
        }

        // What the API serves is what was saved: the text and the items as a table.
        await using (var db = await factory.DbAsync())
        {
            var saved = await db.Incidents.AsNoTracking().Where(i => i.Id == incident.Id).Select(i => i.Postmortem).SingleAsync();
            Assert.NotNull(saved);
            Assert.Contains("An expired acquirer certificate.", saved, StringComparison.Ordinal);
            var due = DateTime.UtcNow.Date.Add(IncidentPostmortem.ActionItemsDue).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            Assert.Contains($"| Alert on certificate expiry | ana.silva | {due} |", saved, StringComparison.Ordinal);
            Assert.DoesNotContain("Fix the root cause", saved, StringComparison.Ordinal);
        }

        await using var again = Context("ana.silva", "group:default/payments");
        var reloaded = again.Render<PostmortemEditor>(p => p.Add(e => e.Incident, incident));
        reloaded.WaitForElement("textarea[data-testid=postmortem-text], [data-testid=postmortem-text] textarea", TimeSpan.FromSeconds(20));
        Assert.Contains("An expired acquirer certificate.", reloaded.Find("textarea[data-testid=postmortem-text], [data-testid=postmortem-text] textarea").GetAttribute("value"), StringComparison.Ordinal);
        Assert.Equal(3, reloaded.FindAll("[data-testid=postmortem-action]").Count);
        Assert.DoesNotContain("draft until", reloaded.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_member_of_another_team_reads_it_only_and_the_save_is_refused()
    {
        var incident = await NewIncidentAsync($"pm-readonly-{Guid.NewGuid():N}");
        await using var dana = Context("dana.kim", "group:default/checkout");
        var page = dana.Render<PostmortemEditor>(p => p.Add(e => e.Incident, incident));
        page.WaitForElement("[data-testid=postmortem-readonly]", TimeSpan.FromSeconds(20));
        Assert.Empty(page.FindAll("textarea"));
        Assert.Empty(page.FindAll("[data-testid=postmortem-save]"));
        Assert.Contains("Fix the root cause", page.Find("[data-testid=postmortem-actions]").TextContent, StringComparison.Ordinal);

        var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "dana.kim"), new Claim(PortalClaims.Team, "group:default/checkout")], "test"));
        await using var db = await factory.DbAsync();
        Assert.Equal(IncidentOutcome.Forbidden,
            await IncidentCommands.SavePostmortemAsync(db, user, AuditActor.From(user, null), incident.Id, "# mine", CancellationToken.None));
        Assert.Null(await db.Incidents.AsNoTracking().Where(i => i.Id == incident.Id).Select(i => i.Postmortem).SingleAsync());
    }
}
