using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json.Nodes;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor;
using MudBlazor.Services;
using Portal.Web.Data;
using Portal.Web.Features.Identity;
using Portal.Web.Features.Incidents;
using Portal.Web.Features.Incidents.Pages;
using Portal.Web.Infrastructure.Extensions;

namespace Portal.IntegrationTests.Incidents;

/// <summary>
/// How many incidents one person may declare by hand in a rolling hour (security review F6):
/// Portal:Incidents:MaxDeclarationsPerHour, 3 here. Counted from the stored incidents (declarations made before this
/// process started count; alert-opened incidents and older ones do not), under a lock per person so parallel requests
/// do not get past it; admins too. The API answers 429 with Retry-After, the component page's declare form the same message.
/// </summary>
public sealed class IncidentDeclareLimitTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IAsyncLifetime
{
    private const string Gateway = "component:default/payment-gateway";
    private static readonly TimeSpan RenderWait = TimeSpan.FromSeconds(30);
    private string _dana = "", _ana = "";

    public async Task InitializeAsync()
    {
        factory.Settings["Portal:Incidents:MaxDeclarationsPerHour"] = "3";
        await factory.SeedDemoAsync();
        (_, _dana) = await factory.UserWithTokenAsync("dana.kim", "dana.kim@northwind.example");
        (_, _ana) = await factory.UserWithTokenAsync("ana.silva", "ana.silva@northwind.example");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Incidents as they are stored: declared by <paramref name="by"/> (null: opened by an alert) this long ago.</summary>
    private async Task StoreAsync(string? by, params TimeSpan[] ago)
    {
        await using var db = await factory.DbAsync();
        foreach (var age in ago)
        {
            db.Incidents.Add(new Incident
            {
                Title = $"Earlier {Guid.NewGuid():N}", ComponentRef = Gateway, Severity = "ticket", TriggeredAt = DateTimeOffset.UtcNow - age, DeclaredBy = by,
            });
        }
        await db.SaveChangesAsync();
    }

    private static Task<HttpResponseMessage> DeclareAsync(HttpClient client, string title) =>
        client.PostAsJsonAsync("/api/incidents", new { component = Gateway, title, severity = "ticket" });

    private async Task<int> DeclaredInTheLastHourAsync(string by)
    {
        await using var db = await factory.DbAsync();
        var since = DateTimeOffset.UtcNow.AddHours(-1);
        return await db.Incidents.CountAsync(i => i.DeclaredBy == by && i.TriggeredAt > since);
    }

    [Fact]
    public async Task Declarations_past_the_hourly_limit_get_429_with_Retry_After_counted_from_stored_incidents_even_in_parallel()
    {
        // Two declarations within the hour (one 50 minutes ago), one older, and alert-opened incidents: one more is allowed.
        await StoreAsync("dana.kim", TimeSpan.FromMinutes(50), TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(70));
        await StoreAsync(null, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(3));
        using var dana = factory.ClientWithToken(_dana);

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => DeclareAsync(dana, $"Checkout cannot pay {i} {Guid.NewGuid():N}")));

        Assert.Equal(1, answers.Count(a => a.StatusCode == HttpStatusCode.Created));
        var refused = answers.Where(a => a.StatusCode != HttpStatusCode.Created).ToList();
        Assert.All(refused, a => Assert.Equal(HttpStatusCode.TooManyRequests, a.StatusCode));
        Assert.Equal(3, await DeclaredInTheLastHourAsync("dana.kim"));
        var problem = JsonNode.Parse(await refused[0].Content.ReadAsStringAsync())!;
        // The oldest of the three leaves the hour 10 minutes from now: then one more may be declared.
        Assert.Equal("You have declared 3 incidents in the last hour; one person may declare at most 3 an hour (Portal:Incidents:MaxDeclarationsPerHour). "
            + "You can declare the next one in 10 minutes.", problem["detail"]!.GetValue<string>());
        Assert.Equal((3, 3), (problem["limit"]!.GetValue<int>(), problem["declared"]!.GetValue<int>()));
        Assert.InRange(refused[0].Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(480), TimeSpan.FromSeconds(600));
        await AuditAssert.RecordedAsync(factory, "incident.declare", Gateway, "dana.kim", "denied");

        // Another person's declarations are their own.
        using var ana = factory.ClientWithToken(_ana);
        Assert.Equal(HttpStatusCode.Created, (await DeclareAsync(ana, $"Gateway slow {Guid.NewGuid():N}")).StatusCode);
    }

    [Fact]
    public async Task Admins_are_limited_too()
    {
        var (_, rootToken) = await factory.UserWithTokenAsync("root.admin", "root.admin@northwind.example", roles: [PortalRoles.Admin], scopes: PortalScopes.All);
        await StoreAsync("root.admin", TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(10));
        using var root = factory.ClientWithToken(rootToken);

        var answer = await DeclareAsync(root, $"Everything is down {Guid.NewGuid():N}");

        Assert.Equal(HttpStatusCode.TooManyRequests, answer.StatusCode);
        Assert.Contains("You can declare the next one in 30 minutes.", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(3, await DeclaredInTheLastHourAsync("root.admin"));
    }

    [Fact]
    public async Task The_declare_form_shows_the_limit_and_declares_nothing()
    {
        var name = $"bunit-declarer-{Guid.NewGuid():N}"[..30];
        await StoreAsync(name, TimeSpan.FromMinutes(55), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(1));
        await using var context = new BunitContext();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddMudServices();
        context.Services.AddSingleton(factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>());
        context.Services.AddSingleton(factory.Services.GetRequiredService<IncidentNotifier>());
        context.Services.AddSingleton(factory.Services.GetRequiredService<IOptions<IncidentsOptions>>());
        context.Services.AddSingleton(TimeProvider.System);
        var auth = context.AddAuthorization();
        auth.SetAuthorized(name);
        auth.SetClaims([new Claim(ClaimTypes.NameIdentifier, $"bunit-{name}"), new Claim(PortalClaims.Team, "group:default/checkout")]);
        context.Render<MudPopoverProvider>();
        context.Render<MudSnackbarProvider>();
        var tab = context.Render<ComponentIncidents>(p => p.Add(x => x.Entity, new EntityFacts(Gateway, "Component", null)));
        tab.WaitForElement("[data-testid=incident-declare-open]", RenderWait);

        await tab.InvokeAsync(() => tab.Find("[data-testid=incident-declare-open]").Click());
        await tab.InvokeAsync(() => tab.Find("input[data-testid=incident-declare-title], [data-testid=incident-declare-title] input").Input("Payments fail"));
        await tab.InvokeAsync(() => tab.Find("[data-testid=incident-declare]").Click());

        tab.WaitForAssertion(() => Assert.Equal(
            "You have declared 3 incidents in the last hour; one person may declare at most 3 an hour (Portal:Incidents:MaxDeclarationsPerHour). "
            + "You can declare the next one in 5 minutes.", tab.Find("[data-testid=incident-declare-problem]").TextContent.Trim()), RenderWait);
        Assert.Equal(3, await DeclaredInTheLastHourAsync(name));
    }
}
