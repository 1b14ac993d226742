using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Portal.TestSupport;
using Portal.Web.Features.Identity;
using Portal.Web.Features.Incidents;
using Portal.Web.Infrastructure.Extensions;

namespace Portal.IntegrationTests.Incidents;

/// <summary>
/// People's own contacts
/// (set through the API, checked for internal addresses) get the page of an incident and its escalation to the next
/// layer, at their own loopback webhooks and at their catalog e-mail on a real SMTP server on loopback; a member cannot
/// change another person's contact. One test per class: the factory keeps the first instance's clock and SMTP port. Alert changes are handed to the registered incident
/// listener, as the SLO alert job does (<see cref="IncidentFlowTests"/> covers the job end to end).
/// </summary>
#pragma warning disable CA1001 // the receivers are disposed in DisposeAsync (xUnit's IAsyncLifetime)
public sealed class OnCallContactTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Start);
    private readonly WebhookRecorder _anaHook = new();
    private readonly WebhookRecorder _chenHook = new();
    private readonly SmtpRecorder _smtp = new();
    private string _ana = "";

    public async Task InitializeAsync()
    {
        factory.ReplaceServices = services => services.AddSingleton<TimeProvider>(_clock);
        factory.Settings["Portal:Incidents:Contacts:AllowLoopback"] = "true"; // the recorders are on loopback
        factory.Settings["Portal:Incidents:Smtp:Host"] = "127.0.0.1";
        factory.Settings["Portal:Incidents:Smtp:Port"] = _smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        factory.Settings["Portal:Incidents:Smtp:Security"] = "none";
        factory.Settings["Portal:Incidents:Smtp:From"] = "Portal incidents <incidents@northwind.example>";
        await factory.SeedDemoAsync();
        (_, _ana) = await factory.UserWithTokenAsync("ana.silva", "ana.silva@northwind.example"); // payments: owns payment-gateway
    }

    public async Task DisposeAsync()
    {
        await _anaHook.DisposeAsync();
        await _chenHook.DisposeAsync();
        await _smtp.DisposeAsync();
    }

    private static ClaimsPrincipal Member(string name, string team) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, name), new Claim(PortalClaims.Team, team)], "test"));

    private static object Schedule(DateTimeOffset start) => new
    {
        team = "group:default/payments",
        layers = new object[]
        {
            new { name = "Primary", users = new[] { "ana.silva", "ben.okafor" }, rotationStart = start, handoffHours = 168, escalateAfterMinutes = 5 },
            new { name = "Secondary", users = new[] { "chen.wei" }, rotationStart = start, handoffHours = 168, escalateAfterMinutes = 15 },
        },
    };

    [Fact]
    public async Task The_person_on_call_is_paged_at_their_own_contact_and_the_escalation_reaches_the_next_layers_person_at_theirs()
    {
        using var admin = factory.AdminClient();
        using var ana = factory.ClientWithToken(_ana);
        var now = _clock.GetUtcNow();

        // ana sets her own webhook; internal addresses and other people's contacts are refused.
        foreach (var (url, expected) in new[] { ("https://169.254.169.254/latest/meta-data", "internal address"), ("https://10.1.2.3/hook", "internal address"),
                     ("http://hooks.example.com/x", "https"), ("ftp://hooks.example.com/x", "absolute https URL") })
        {
            var bad = await ana.PutAsJsonAsync("/api/oncall/contacts/ana.silva", new OnCallContactRequest(null, "slack", url));
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Contains(expected, await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        var mine = await ana.PutAsJsonAsync("/api/oncall/contacts/ana.silva", new OnCallContactRequest(null, "slack", _anaHook.Url));
        Assert.Equal(HttpStatusCode.OK, mine.StatusCode);
        var view = (await mine.Content.ReadFromJsonAsync<OnCallContactView>(JsonSerializerOptions.Web))!;
        Assert.Equal(("ana.silva@northwind.example", true), (view.Email, view.EmailFromCatalog)); // no e-mail set: the catalog profile's
        // The webhook's address is for ana and admins only; others see that she has one.
        var (_, benToken) = await factory.UserWithTokenAsync("ben.okafor", "ben.okafor@northwind.example");
        using (var ben = factory.ClientWithToken(benToken))
        {
            var asBen = (await ben.GetFromJsonAsync<OnCallContactView>("/api/oncall/contacts/ana.silva", JsonSerializerOptions.Web))!;
            Assert.Equal(("slack", null), (asBen.WebhookFormat, asBen.WebhookUrl));
        }
        Assert.Equal(_anaHook.Url, (await ana.GetFromJsonAsync<OnCallContactView>("/api/oncall/contacts/ana.silva", JsonSerializerOptions.Web))!.WebhookUrl);
        Assert.Equal(_anaHook.Url, (await admin.GetFromJsonAsync<OnCallContactView>("/api/oncall/contacts/ana.silva", JsonSerializerOptions.Web))!.WebhookUrl);
        Assert.Equal(HttpStatusCode.Forbidden, (await ana.PutAsJsonAsync("/api/oncall/contacts/chen.wei", new OnCallContactRequest("ana@evil.example", "json", _anaHook.Url))).StatusCode);
        await AuditAssert.RecordedAsync(factory, "oncall.contact.saved", "chen.wei", "ana.silva", "denied");
        var anaUser = Member("ana.silva", "group:default/payments");
        await using (var db = await factory.DbAsync())
        {
            var (outcome, _, _) = await OnCallContactCommands.SaveAsync(db, anaUser, AuditActor.From(anaUser, null), new OnCallContactsOptions { AllowLoopback = true },
                now, "chen.wei", new OnCallContactRequest("ana@evil.example", null, null), CancellationToken.None);
            Assert.Equal(OnCallOutcome.Forbidden, outcome);
            Assert.Null(await db.OnCallContacts.AsNoTracking().Where(c => c.UserName == "chen.wei").Select(c => c.Email).FirstOrDefaultAsync());
        }
        // An admin sets chen's: a JSON webhook and his own address.
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/oncall/contacts/chen.wei",
            new OnCallContactRequest("chen.pager@northwind.example", "json", _chenHook.Url))).StatusCode);

        // payments: ana on call in the first layer, chen in the second after 5 minutes.
        Assert.Equal(HttpStatusCode.OK, (await ana.PutAsJsonAsync("/api/oncall/schedules/payments-contacts", Schedule(now.AddDays(-1)))).StatusCode);
        var listener = factory.Services.GetServices<IAlertListener>().OfType<IncidentAlertListener>().Single();
        var sloId = Guid.NewGuid();
        await listener.OnAlertsAsync([new AlertChange("slo.alert.firing", Guid.NewGuid(), sloId, "gateway-availability", "component:default/payment-gateway",
            "page-1h-5m", "page", "PAGE: gateway-availability on component:default/payment-gateway", "Burn rate 100 over 1h and 5m.",
            "https://runbooks.northwind.example/payment-gateway", new Dictionary<string, string>(), now)], CancellationToken.None);

        // ana's own Slack webhook and her catalog e-mail get the page; chen hears nothing yet.
        var paged = Assert.Single(_anaHook.Received);
        Assert.StartsWith("Incident opened (page)", paged.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains("ana.silva (layer 1)", paged.GetProperty("blocks").GetRawText(), StringComparison.Ordinal);
        var mail = Assert.Single(_smtp.Received);
        Assert.Equal("ana.silva@northwind.example", mail.To.Mailboxes.Single().Address);
        Assert.Empty(_chenHook.Received);

        // Nobody acknowledges for 5 minutes: the escalation pages chen at his own webhook and address, not ana again.
        _clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(1, await factory.Services.GetRequiredService<IncidentEscalationJob>().RunAsync(CancellationToken.None));
        var escalated = Assert.Single(_chenHook.Received);
        Assert.Equal(("incident.escalate", "chen.wei", 2), (escalated.GetProperty("event").GetString(), escalated.GetProperty("oncall").GetString(),
            escalated.GetProperty("escalationLevel").GetInt32()));
        Assert.Single(_anaHook.Received);
        Assert.Equal(["ana.silva@northwind.example", "chen.pager@northwind.example"], _smtp.Received.Select(m => m.To.Mailboxes.Single().Address));
    }
}
