using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portal.TestSupport;
using Portal.Web.Features.Incidents;
using Portal.Web.Infrastructure.Extensions;

namespace Portal.IntegrationTests.Incidents;

/// <summary>
/// An incident's messages reach a Microsoft Teams webhook (a loopback recorder), a fake Opsgenie Alert API (loopback:
/// the real one cannot be reached from here) and a real SMTP server on loopback, through the portal's own listener,
/// notifier and API. The alert changes are handed to the registered incident listener, as the SLO alert job does (the
/// job itself is covered end to end by <see cref="IncidentFlowTests"/>).
/// </summary>
#pragma warning disable CA1001 // the receivers are disposed in DisposeAsync (xUnit's IAsyncLifetime)
public sealed class IncidentReceiverFormatsTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IAsyncLifetime
{
    private const string GenieKey = "genie-0123456789abcdef";
    private const string SmtpUser = "portal-mailer", SmtpPassword = "mail-s3cret-42";
    private const string PublicUrl = "https://portal.northwind.example";
    private const string Explanation = "Burn rate 100 over 1h and 100 over 5m against 14.4: both above.";
    private readonly WebhookRecorder _teams = new();
    private readonly FakeOpsgenieServer _opsgenie = new(GenieKey);
    private readonly SmtpRecorder _smtp = new(SmtpUser, SmtpPassword);
    private string _ana = "";

    public async Task InitializeAsync()
    {
        factory.Settings["Portal:Notifications:PublicUrl"] = PublicUrl;
        factory.Settings["Portal:Incidents:Receivers:0:Url"] = _teams.Url;
        factory.Settings["Portal:Incidents:Receivers:0:Format"] = "teams";
        factory.Settings["Portal:Incidents:Receivers:0:Team"] = "group:default/payments";
        factory.Settings["Portal:Incidents:Receivers:1:Url"] = _opsgenie.AlertsUrl;
        factory.Settings["Portal:Incidents:Receivers:1:Format"] = "opsgenie";
        factory.Settings["Portal:Incidents:Receivers:1:ApiKey"] = GenieKey;
        factory.Settings["Portal:Incidents:Receivers:2:Format"] = "email";
        factory.Settings["Portal:Incidents:Receivers:2:To:0"] = "oncall-payments@northwind.example";
        factory.Settings["Portal:Incidents:Receivers:2:Severities:0"] = "page";
        factory.Settings["Portal:Incidents:Smtp:Host"] = "127.0.0.1";
        factory.Settings["Portal:Incidents:Smtp:Port"] = _smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        factory.Settings["Portal:Incidents:Smtp:Security"] = "none";
        factory.Settings["Portal:Incidents:Smtp:UserName"] = SmtpUser;
        factory.Settings["Portal:Incidents:Smtp:Password"] = SmtpPassword;
        factory.Settings["Portal:Incidents:Smtp:From"] = "Portal incidents <incidents@northwind.example>";
        await factory.SeedDemoAsync();
        (_, _ana) = await factory.UserWithTokenAsync("ana.silva", "ana.silva@northwind.example"); // payments: owns payment-gateway
    }

    public async Task DisposeAsync()
    {
        await _teams.DisposeAsync();
        await _opsgenie.DisposeAsync();
        await _smtp.DisposeAsync();
    }

    [Fact]
    public async Task Teams_Opsgenie_and_email_receivers_get_the_opening_acknowledgement_and_resolution_with_the_slo_runbook_and_incident_link()
    {
        using var admin = factory.AdminClient();
        using var ana = factory.ClientWithToken(_ana);
        var listener = factory.Services.GetServices<IAlertListener>().OfType<IncidentAlertListener>().Single();
        var sloId = Guid.NewGuid();
        var at = DateTimeOffset.UtcNow;
        AlertChange Firing(string rule) => new("slo.alert.firing", Guid.NewGuid(), sloId, "gateway-availability", "component:default/payment-gateway", rule, "page",
            "PAGE: gateway-availability on component:default/payment-gateway", Explanation, "https://runbooks.northwind.example/payment-gateway",
            new Dictionary<string, string> { ["slo"] = "gateway-availability", ["windows"] = "1h and 5m", ["threshold"] = "14.4", ["budgetRemaining"] = "97.50%" }, at);

        await listener.OnAlertsAsync([Firing("page-1h-5m")], CancellationToken.None);
        var incident = (await admin.GetFromJsonAsync<List<IncidentView>>("/api/incidents", JsonSerializerOptions.Web))!.Single(i => i.SloId == sloId);
        var link = $"{PublicUrl}/incidents/{incident.Id}";
        var alias = $"portal-incident-{incident.Id}";

        // Teams: one Adaptive Card message with the explanation, the SLO and its burn-rate figures, the incident and the runbook.
        var teams = Assert.Single(_teams.Received);
        Assert.Equal("message", teams.GetProperty("type").GetString());
        var card = teams.GetProperty("attachments")[0];
        Assert.Equal("application/vnd.microsoft.card.adaptive", card.GetProperty("contentType").GetString());
        var cardText = card.GetProperty("content").GetRawText();
        foreach (var expected in new[] { Explanation, "gateway-availability", "14.4", "1h and 5m", link, "https://runbooks.northwind.example/payment-gateway" })
        {
            Assert.Contains(expected, cardText, StringComparison.Ordinal);
        }

        // Opsgenie: a create with the GenieKey and the incident as alias.
        var (method, path, authorization, create) = Assert.Single(_opsgenie.Received);
        Assert.Equal(("POST", "/v2/alerts", $"GenieKey {GenieKey}"), (method, path, authorization));
        Assert.Equal((alias, "P1", "component:default/payment-gateway"),
            (create.GetProperty("alias").GetString(), create.GetProperty("priority").GetString(), create.GetProperty("entity").GetString()));
        Assert.Equal(("gateway-availability", "14.4", link, "https://runbooks.northwind.example/payment-gateway"),
            (create.GetProperty("details").GetProperty("SLO").GetString(), create.GetProperty("details").GetProperty("threshold").GetString(),
                create.GetProperty("details").GetProperty("Incident").GetString(), create.GetProperty("details").GetProperty("Runbook").GetString()));
        Assert.Contains(Explanation, create.GetProperty("description").GetString(), StringComparison.Ordinal);

        // E-mail over SMTP, signed in with the configured credentials.
        var opened = Assert.Single(_smtp.Received);
        Assert.Equal(("oncall-payments@northwind.example", "incidents@northwind.example"),
            (opened.To.Mailboxes.Single().Address, opened.From.Mailboxes.Single().Address));
        Assert.Equal("[PAGE] Incident opened: PAGE: gateway-availability on component:default/payment-gateway", opened.Subject);
        foreach (var expected in new[] { Explanation, "SLO: gateway-availability", "threshold: 14.4", $"Incident in Portal: {link}",
                     "Runbook: https://runbooks.northwind.example/payment-gateway" })
        {
            Assert.Contains(expected, opened.TextBody, StringComparison.Ordinal);
        }
        Assert.Equal([(SmtpUser, true)], _smtp.SignIns);

        // A second page alert of the same component and SLO joins the open incident: nothing new is routed.
        await listener.OnAlertsAsync([Firing("page-6h-30m")], CancellationToken.None);
        Assert.Equal((1, 1, 1), (_teams.Received.Count, _opsgenie.Received.Count, _smtp.Received.Count));

        Assert.Equal(HttpStatusCode.OK, (await ana.PostAsync($"/api/incidents/{incident.Id}/acknowledge", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ana.PostAsync($"/api/incidents/{incident.Id}/resolve", null)).StatusCode);

        // Opsgenie: acknowledge and close the same alert by its alias, as ana.
        var followUps = _opsgenie.Received.Skip(1).ToList();
        Assert.Equal([$"/v2/alerts/{alias}/acknowledge?identifierType=alias", $"/v2/alerts/{alias}/close?identifierType=alias"],
            followUps.Select(r => r.PathAndQuery));
        Assert.All(followUps, r => Assert.Equal(($"GenieKey {GenieKey}", "ana.silva"), (r.Authorization, r.Body.GetProperty("user").GetString())));
        // Teams and e-mail tell the channel; the mails thread under the first.
        Assert.Equal(["Incident opened (page)", "Incident acknowledged (page)", "Incident resolved (page)"],
            _teams.Received.Select(m => m.GetProperty("attachments")[0].GetProperty("content").GetProperty("body")[0].GetProperty("text").GetString()));
        var mails = _smtp.Received.ToList();
        Assert.Equal(["[PAGE] Incident opened", "[PAGE] Incident acknowledged", "[PAGE] Incident resolved"], mails.Select(m => m.Subject!.Split(':')[0]));
        Assert.All(mails.Skip(1), m => Assert.Equal(opened.MessageId, m.InReplyTo));
    }
}
