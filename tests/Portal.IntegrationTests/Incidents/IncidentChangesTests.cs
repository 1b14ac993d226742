using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Portal.IntegrationTests.Delivery;
using Portal.IntegrationTests.Environments;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Environments;
using Portal.Web.Features.Identity;
using Portal.Web.Features.Incidents;
using Portal.Web.Features.Incidents.Pages;

namespace Portal.IntegrationTests.Incidents;

/// <summary>
/// The incident timeline takes the deploys (posted through the delivery API as a CI step would) and the environment
/// changes (a real environment request, provisioned by the GitOps driver) of the affected components in the incident's
/// window, in time order among its own lines, in the API, on the page and in the postmortem; others' changes stay out.
/// </summary>
public sealed class IncidentChangesTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IAsyncLifetime
{
    private string _ci = "", _ana = "";

    public async Task InitializeAsync()
    {
        await factory.SeedDemoAsync();
        _ci = await DeliveryKit.ServiceTokenAsync(factory, "ci-incident-changes", [PortalScopes.DeliveryWrite, PortalScopes.CatalogRead]);
        (_, _ana) = await factory.UserWithTokenAsync("ana.silva", "ana.silva@northwind.example"); // payments: owns payment-gateway
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Deploys_and_environment_changes_of_the_component_and_its_dependents_appear_in_order_on_the_timeline_page_and_postmortem()
    {
        using var ci = factory.ClientWithToken(_ci);
        using var ana = factory.ClientWithToken(_ana);
        var now = DateTimeOffset.UtcNow;

        // An open incident on payment-gateway, 20 minutes old, with order-service depending on it (as the alert listener records it).
        var incidentId = Guid.CreateVersion7();
        await using (var db = await factory.DbAsync())
        {
            db.Set<Incident>().Add(new Incident
            {
                Id = incidentId, Title = "gateway errors (incident changes test)", ComponentRef = "component:default/payment-gateway", Severity = "page",
                TriggeredAt = now.AddMinutes(-20), Dependents = ["component:default/order-service"],
            });
            db.Set<IncidentEvent>().Add(new IncidentEvent { IncidentId = incidentId, At = now.AddMinutes(-20), Kind = "triggered", Actor = "system", Text = "Opened by hand for the test." });
            await db.SaveChangesAsync();
        }

        async Task Deploy(string component, string environment, string version, DateTimeOffset finished, bool rollback = false)
        {
            var response = await DeliveryKit.PostDeploymentAsync(ci, new
            {
                component, environment, runId = "incb-" + Guid.NewGuid().ToString("N"), version, commitSha = "0123456789abcdef0123456789abcdef01234567",
                status = "succeeded", rollback, startedAt = finished.AddMinutes(-4), finishedAt = finished, deployedBy = "release-bot",
            });
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }
        await Deploy("payment-gateway", "prod", "7.0.0-incb", now.AddMinutes(-50));                // before it opened: the likely cause
        await Deploy("order-service", "prod", "7.0.1-incb", now.AddMinutes(-10), rollback: true);    // a dependent, rolled back
        await Deploy("payment-gateway", "staging", "7.0.2-incb", now.AddHours(-3));                // before the window
        await Deploy("fraud-scoring", "prod", "7.0.3-incb", now.AddMinutes(-15));                  // not affected

        // An environment of payment-gateway requested now and provisioned by the real driver: Requested ... Ready.
        var name = "pgw-inc-" + Guid.NewGuid().ToString("N")[..6];
        var environment = await EnvironmentKit.RequestAsync(ana, new EnvironmentRequest(name, "payment-gateway", "dev", "small", Ttl: "1d"));
        await EnvironmentKit.WaitForStatusAsync(ana, environment.Id, "Ready");

        var resolved = await ana.PostAsync(new Uri($"/api/incidents/{incidentId}/resolve", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, resolved.StatusCode);
        var incident = (await ana.GetFromJsonAsync<IncidentView>(new Uri($"/api/incidents/{incidentId}", UriKind.Relative), JsonSerializerOptions.Web))!;

        // The demo's own deploys may also fall in the window; this test's lines are told by their versions and names.
        var ours = incident.Timeline.Where(e => e.Kind is not (IncidentChanges.DeployKind or IncidentChanges.EnvironmentKind)
            || e.Text.Contains("-incb", StringComparison.Ordinal) || e.Text.Contains(name, StringComparison.Ordinal)).ToList();
        Assert.Equal(incident.Timeline.OrderBy(e => e.At).Select(e => e.At), incident.Timeline.Select(e => e.At));
        Assert.Equal(
        [
            ("deploy", "release-bot", "Deployed payment-gateway 7.0.0-incb to prod: succeeded."),
            ("triggered", "system", "Opened by hand for the test."),
            ("deploy", "release-bot", "Rolled back order-service in prod to 7.0.1-incb: succeeded."),
            ("environment", "ana.silva", $"Environment {name} (small) of payment-gateway requested."),
        ], ours.Take(4).Select(e => (e.Kind, e.Actor, e.Text)));
        var environmentLines = ours.Where(e => e.Kind == IncidentChanges.EnvironmentKind).Select(e => e.Text).ToList();
        Assert.EndsWith("→ Ready.", environmentLines[^1], StringComparison.Ordinal);
        Assert.Equal(IncidentLifecycle.Resolved, ours[^1].Kind);
        Assert.DoesNotContain(incident.Timeline, e => e.Text.Contains("7.0.2-incb", StringComparison.Ordinal) || e.Text.Contains("7.0.3-incb", StringComparison.Ordinal));

        // The postmortem drafted at resolution carries them in its timeline table.
        var postmortem = (await ana.GetFromJsonAsync<PostmortemView>(new Uri($"/api/incidents/{incidentId}/postmortem", UriKind.Relative), JsonSerializerOptions.Web))!;
        Assert.Contains("| release-bot | Deployed payment-gateway 7.0.0-incb to prod: succeeded. |", postmortem.Markdown, StringComparison.Ordinal);

        // A change after the resolution is not the incident's.
        await Deploy("payment-gateway", "prod", "7.0.4-incb", DateTimeOffset.UtcNow.AddSeconds(1));
        incident = (await ana.GetFromJsonAsync<IncidentView>(new Uri($"/api/incidents/{incidentId}", UriKind.Relative), JsonSerializerOptions.Web))!;
        Assert.DoesNotContain(incident.Timeline, e => e.Text.Contains("7.0.4-incb", StringComparison.Ordinal));

        // The page shows the same lines in the same order.
        await using var context = PageContext();
        var page = context.Render<IncidentPage>(p => p.Add(x => x.Id, incidentId));
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=incident-timeline] tbody tr")), TimeSpan.FromSeconds(20));
        var rows = page.FindAll("[data-testid=incident-timeline] tbody tr").Select(r => r.GetAttribute("data-kind") + "|" + r.Children[2].TextContent.Trim()).ToList();
        Assert.Equal(incident.Timeline.Select(e => e.Kind + "|" + e.Text), rows);
    }

    [Fact]
    public async Task The_incident_page_and_on_call_page_call_people_teams_and_dependents_by_their_catalog_names_with_the_ref_on_hover()
    {
        var now = DateTimeOffset.UtcNow;
        var incidentId = Guid.CreateVersion7();
        var schedule = "names-" + Guid.NewGuid().ToString("N")[..6];
        await using (var db = await factory.DbAsync())
        {
            // A catalog title on the dependent, as its descriptor's metadata.title would give it.
            await db.CatalogEntities.Where(e => e.EntityRef == "component:default/fraud-scoring")
                .ExecuteUpdateAsync(u => u.SetProperty(e => e.Title, "Fraud Scoring"));
            db.Set<Incident>().Add(new Incident
            {
                Id = incidentId, Title = "gateway errors (names test)", ComponentRef = "component:default/payment-gateway",
                Severity = "page", TriggeredAt = now.AddMinutes(-5), Dependents = ["component:default/fraud-scoring"], OnCall = "ana.silva",
            });
            // The lines as the alert listener and the pager store them: refs and user names.
            db.Set<IncidentEvent>().AddRange(
                new IncidentEvent { IncidentId = incidentId, At = now.AddMinutes(-5), Kind = "triggered", Actor = "system",
                    Text = "Opened by the names alert. Dependents: component:default/fraud-scoring." },
                new IncidentEvent { IncidentId = incidentId, At = now.AddMinutes(-4), Kind = "paged", Actor = "system",
                    Text = $"Paged ana.silva, on call in layer 'Primary' of schedule {schedule}." },
                // Who acted: a person the catalog knows, and a token's name, which is no catalog user.
                new IncidentEvent { IncidentId = incidentId, At = now.AddMinutes(-3), Kind = "acknowledged", Actor = "ana.silva", Text = "Acknowledged." },
                new IncidentEvent { IncidentId = incidentId, At = now.AddMinutes(-2), Kind = "mitigated", Actor = "ci-bot", Text = "Mitigated." });
            db.Set<OnCallSchedule>().Add(new OnCallSchedule
            {
                Name = schedule, Team = "group:default/payments", UpdatedBy = "test",
                Layers = [new OnCallLayer("Primary", ["ana.silva"], now.AddDays(-1), 168, 15)],
            });
            await db.SaveChangesAsync();
        }

        static void AssertLink(AngleSharp.Dom.IElement link, string name, string entityRef)
        {
            Assert.Equal(name, link.TextContent.Trim());
            Assert.Equal(entityRef, link.GetAttribute("title"));
        }

        await using var context = PageContext();
        var page = context.Render<IncidentPage>(p => p.Add(x => x.Id, incidentId));
        page.WaitForAssertion(() => Assert.Contains("Ana Silva", page.Find("[data-testid=incident-oncall]").TextContent, StringComparison.Ordinal), TimeSpan.FromSeconds(20));
        AssertLink(page.Find("[data-testid=incident-oncall] a"), "Ana Silva", "user:default/ana.silva");
        Assert.Equal("Ana Silva (layer 1)", page.Find("[data-testid=incident-oncall]").TextContent.Trim());
        AssertLink(page.Find("[data-testid=incident-dependents] a"), "Fraud Scoring", "component:default/fraud-scoring");
        page.WaitForAssertion(() => Assert.Equal("Opened by the names alert. Dependents: Fraud Scoring.",
            page.Find("[data-testid=incident-timeline] tr[data-kind=triggered]").Children[2].TextContent.Trim()), TimeSpan.FromSeconds(20));
        AssertLink(page.Find("[data-testid=incident-timeline] tr[data-kind=triggered] a"), "Fraud Scoring", "component:default/fraud-scoring");
        var paged = page.Find("[data-testid=incident-timeline] tr[data-kind=paged]");
        Assert.Equal($"Paged Ana Silva, on call in layer 'Primary' of schedule {schedule}.", paged.Children[2].TextContent.Trim());
        AssertLink(paged.QuerySelector("a")!, "Ana Silva", "user:default/ana.silva");
        // The "Who" column: the catalog's name for a person; anyone else (system, a token) as stored, without a link that would lead nowhere.
        page.WaitForAssertion(() => Assert.Equal("Ana Silva", page.Find("[data-testid=incident-timeline] tr[data-kind=acknowledged]").Children[1].TextContent.Trim()), TimeSpan.FromSeconds(20));
        AssertLink(page.Find("[data-testid=incident-timeline] tr[data-kind=acknowledged]").Children[1].QuerySelector("a")!, "Ana Silva", "user:default/ana.silva");
        var token = page.Find("[data-testid=incident-timeline] tr[data-kind=mitigated]").Children[1];
        Assert.Equal(("ci-bot", null), (token.TextContent.Trim(), token.QuerySelector("a")));
        var system = page.Find("[data-testid=incident-timeline] tr[data-kind=triggered]").Children[1];
        Assert.Equal(("system", null), (system.TextContent.Trim(), system.QuerySelector("a")));

        // The on-call page: the open incident's paged person, and the schedule's team and person now on call.
        var oncall = context.Render<OnCallPage>();
        oncall.WaitForAssertion(() => Assert.NotEmpty(oncall.FindAll("[data-testid=oncall-layer]")), TimeSpan.FromSeconds(20));
        AngleSharp.Dom.IElement Heading() => oncall.FindAll("[data-testid=oncall-now] h3").Single(h => h.TextContent.Contains(schedule, StringComparison.Ordinal));
        oncall.WaitForAssertion(() => Assert.Equal($"Payments · {schedule}", Heading().TextContent.Trim()), TimeSpan.FromSeconds(20));
        var heading = Heading();
        AssertLink(heading.QuerySelector("a")!, "Payments", "group:default/payments");
        // The names come in their own render (the heading now also holds the schedule page's link): waited for, as above.
        oncall.WaitForAssertion(() => AssertLink(Heading().NextElementSibling!.QuerySelector("[data-testid=oncall-layer-user] a")!, "Ana Silva", "user:default/ana.silva"),
            TimeSpan.FromSeconds(20));
        var incidentRow = oncall.FindAll("[data-testid=oncall-incident]").Single(r => r.TextContent.Contains("gateway errors (names test)", StringComparison.Ordinal));
        AssertLink(incidentRow.QuerySelector("[data-testid=oncall-incident-paged] a")!, "Ana Silva", "user:default/ana.silva");
    }

    /// <summary>The services the incident pages take, over the app's real database and catalog.</summary>
    private BunitContext PageContext()
    {
        var context = new BunitContext();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddMudServices();
        context.Services.AddSingleton(factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>());
        context.Services.AddSingleton(TimeProvider.System);
        context.Services.AddSingleton(factory.Services.GetRequiredService<IncidentNotifier>());
        context.Services.AddSingleton(factory.Services.GetRequiredService<Hangfire.JobStorage>());
        context.Services.AddScoped<CatalogNames>();
        context.Services.AddScoped<Portal.Web.Features.Identity.AccountNames>();
        var auth = context.AddAuthorization();
        auth.SetAuthorized("reader");
        auth.SetClaims([new Claim(ClaimTypes.NameIdentifier, "bunit-reader")]);
        return context;
    }
}
