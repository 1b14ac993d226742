using System.Text.Json;
using Portal.Web.Features.Incidents;

namespace Portal.Tests.Incidents;

/// <summary>The incident's statuses move forward only and record MTTA/MTTR samples; the receivers' bodies have the vendors' shapes.</summary>
public sealed class IncidentLifecycleTests
{
    private static readonly DateTimeOffset Triggered = new(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);

    private static Incident New() => new()
    {
        Title = "gateway-availability on component:default/payment-gateway", ComponentRef = "component:default/payment-gateway", Severity = "page",
        SloName = "gateway-availability", Runbook = "https://runbooks.example/gw", TriggeredAt = Triggered,
    };

    [Fact]
    public void Statuses_move_forward_only_and_record_the_times_to_acknowledge_and_resolve()
    {
        var incident = New();
        IncidentLifecycle.Move(incident, IncidentLifecycle.Acknowledged, "ana", Triggered.AddMinutes(3));
        Assert.Equal((180L, "ana"), (incident.SecondsToAcknowledge!.Value, incident.AcknowledgedBy!));
        Assert.NotNull(IncidentLifecycle.Problem(incident, IncidentLifecycle.Triggered));
        Assert.NotNull(IncidentLifecycle.Problem(incident, IncidentLifecycle.Acknowledged));
        Assert.NotNull(IncidentLifecycle.Problem(incident, "exploded"));
        var line = IncidentLifecycle.Move(incident, IncidentLifecycle.Resolved, "ben", Triggered.AddMinutes(45));
        Assert.Equal((IncidentLifecycle.Resolved, 2700L, 180L), (incident.Status, incident.SecondsToResolve!.Value, incident.SecondsToAcknowledge!.Value));
        Assert.Equal(("resolved", "Resolved by ben."), (line.Kind, line.Text));
        Assert.Equal("The incident is resolved already.", IncidentLifecycle.Problem(incident, IncidentLifecycle.Resolved));
        Assert.Throws<InvalidOperationException>(() => IncidentLifecycle.Move(incident, IncidentLifecycle.Mitigated, "ana", Triggered.AddHours(1)));
    }

    [Fact]
    public void Resolving_without_an_acknowledgement_counts_as_acknowledged_then()
    {
        var incident = New();
        IncidentLifecycle.Move(incident, IncidentLifecycle.Resolved, "ana", Triggered.AddMinutes(10));
        Assert.Equal((600L, 600L), (incident.SecondsToAcknowledge!.Value, incident.SecondsToResolve!.Value));
    }

    [Fact]
    public void PagerDuty_trigger_has_the_events_v2_shape_and_acknowledge_only_the_key()
    {
        var incident = New();
        var message = new IncidentMessage("trigger", incident, "group:default/payments", "PAGE: gateway", "Burn rate 100 over 1h",
            new Dictionary<string, string> { ["threshold"] = "14.4" }, "https://portal.example/api/incidents/x");
        var trigger = JsonSerializer.SerializeToElement(IncidentPayloads.PagerDutyEvent("key", message));
        Assert.Equal(("key", "trigger", $"portal-incident-{incident.Id}"),
            (trigger.GetProperty("routing_key").GetString(), trigger.GetProperty("event_action").GetString(), trigger.GetProperty("dedup_key").GetString()));
        var payload = trigger.GetProperty("payload");
        Assert.Equal(["summary", "source", "severity", "timestamp", "component", "group", "class", "custom_details"],
            payload.EnumerateObject().Select(p => p.Name));
        Assert.Equal("critical", payload.GetProperty("severity").GetString());
        Assert.Equal("14.4", payload.GetProperty("custom_details").GetProperty("threshold").GetString());
        Assert.Equal(["https://runbooks.example/gw", "https://portal.example/api/incidents/x"],
            trigger.GetProperty("links").EnumerateArray().Select(l => l.GetProperty("href").GetString()));

        var acknowledge = JsonSerializer.SerializeToElement(IncidentPayloads.PagerDutyEvent("key", message with { Action = "acknowledge" }));
        Assert.Equal(["routing_key", "event_action", "dedup_key"], acknowledge.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void Slack_message_has_a_fallback_text_and_blocks_with_escaped_text()
    {
        var message = new IncidentMessage("trigger", New(), null, "PAGE: <b>gateway</b> & co", null, new Dictionary<string, string>(), "/api/incidents/x");
        var slack = JsonSerializer.SerializeToElement(IncidentPayloads.SlackMessage(message));
        Assert.Equal("Incident opened (page): PAGE: <b>gateway</b> & co", slack.GetProperty("text").GetString());
        var blocks = slack.GetProperty("blocks").EnumerateArray().ToList();
        Assert.Equal(["section", "section", "section"], blocks.Select(b => b.GetProperty("type").GetString()));
        Assert.Contains("&lt;b&gt;gateway&lt;/b&gt; &amp; co", blocks[0].GetProperty("text").GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains("<https://runbooks.example/gw|Runbook>", blocks[2].GetProperty("text").GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ftp://x", "pagerduty", "k", "Url")]
    [InlineData("http://127.0.0.1:9/hook", "hipchat", null, "Format")]
    [InlineData("http://127.0.0.1:9/hook", "pagerduty", null, "RoutingKey")]
    [InlineData("http://127.0.0.1:9/v2/alerts", "opsgenie", null, "ApiKey")]
    [InlineData("", "teams", null, "Url")]
    public void Receivers_are_checked_at_start(string url, string format, string? key, string named)
    {
        var options = new IncidentsOptions { Receivers = [new IncidentReceiver { Url = url, Format = format, RoutingKey = key }] };
        Assert.Contains(named, options.Problem(), StringComparison.Ordinal);
    }

    [Fact]
    public void Email_receivers_need_addresses_and_an_smtp_server_with_a_sender()
    {
        var options = new IncidentsOptions { Receivers = [new IncidentReceiver { Format = "email" }] };
        Assert.Contains("To", options.Problem(), StringComparison.Ordinal);
        options.Receivers[0].To = ["oncall-payments@northwind.example"];
        Assert.Contains("Smtp:Host", options.Problem(), StringComparison.Ordinal);
        options.Smtp = new IncidentSmtpOptions { Host = "127.0.0.1", From = "not an address" };
        Assert.Contains("Smtp:From", options.Problem(), StringComparison.Ordinal);
        options.Smtp.From = "Portal <incidents@northwind.example>";
        options.Smtp.UserName = "portal";
        Assert.Contains("Password", options.Problem(), StringComparison.Ordinal);
        options.Smtp.Password = "s3cret";
        options.Smtp.Security = "tls1.0";
        Assert.Contains("Security", options.Problem(), StringComparison.Ordinal);
        options.Smtp.Security = "ssl";
        Assert.Null(options.Problem());
        Assert.Equal(MailKit.Security.SecureSocketOptions.SslOnConnect, options.Smtp.SocketOptions);
        Assert.Equal(MailKit.Security.SecureSocketOptions.StartTls, new IncidentSmtpOptions().SocketOptions);
    }
}
