using System.Globalization;

namespace Portal.Web.Features.Incidents;

/// <summary>What happened to an incident, for its receivers.</summary>
/// <param name="Action"><c>trigger</c>, <c>acknowledge</c> or <c>resolve</c> (PagerDuty's event actions), <c>escalate</c>
/// (the next on-call layer is paged: a PagerDuty trigger with the same dedup key), or <c>raise</c> (a ticket incident
/// became a page one and the on-call is paged: also a trigger with the same dedup key, never a second opening).</param>
public sealed record IncidentMessage(string Action, Incident Incident, string? OwnerTeam, string Summary, string? Explanation,
    IReadOnlyDictionary<string, string> Details, string IncidentLink);

/// <summary>A request to a receiver: where, the JSON body, and the <c>Authorization</c> header when the vendor wants one.</summary>
public sealed record ReceiverRequest(string Url, object Body, string? Authorization = null);

/// <summary>
/// The bodies receivers take, built from an <see cref="IncidentMessage"/>. Pure. Shapes from the vendors' documentation:
/// PagerDuty Events API v2 (<c>POST https://events.pagerduty.com/v2/enqueue</c>: <c>routing_key</c>, <c>event_action</c>,
/// <c>dedup_key</c>, <c>payload</c> with <c>summary</c>, <c>source</c>, <c>severity</c> critical/error/warning/info,
/// <c>timestamp</c>, <c>component</c>, <c>group</c>, <c>class</c>, <c>custom_details</c>, and <c>links</c> of
/// <c>href</c>/<c>text</c>), and Slack incoming webhooks (<c>text</c> as the notification fallback, <c>blocks</c> of Block
/// Kit <c>section</c>s with <c>mrkdwn</c> text and fields). Microsoft Teams is in <see cref="TeamsCard"/>, Opsgenie in
/// <see cref="OpsgenieAlert"/>, e-mail in <see cref="IncidentMail"/>.
/// </summary>
public static class IncidentPayloads
{
    public const string PagerDuty = "pagerduty";
    public const string Slack = "slack";
    public const string Json = "json";
    public const string Teams = "teams";
    public const string Opsgenie = "opsgenie";
    public const string Email = "email";

    public static readonly IReadOnlyList<string> Formats = [PagerDuty, Slack, Teams, Opsgenie, Email, Json];

    /// <summary>The dedup key: one PagerDuty alert per portal incident, so acknowledge and resolve reach the same one.</summary>
    public static string DedupKey(Incident incident) => $"portal-incident-{incident.Id}";

    /// <summary>The HTTP request a receiver gets for a message (every format but <c>email</c>, which goes over SMTP).</summary>
    public static ReceiverRequest Request(IncidentReceiver receiver, IncidentMessage message) => receiver.Format switch
    {
        PagerDuty => new(receiver.Url, PagerDutyEvent(receiver.RoutingKey!, message)),
        Slack => new(receiver.Url, SlackMessage(message)),
        Teams => new(receiver.Url, TeamsCard.Message(message)),
        Opsgenie => OpsgenieAlert.Request(receiver.Url, receiver.ApiKey!, message),
        _ => new(receiver.Url, new
        {
            @event = $"incident.{message.Action}", incident = message.Incident.Id, title = message.Summary, status = message.Incident.Status,
            severity = message.Incident.Severity, component = message.Incident.ComponentRef, slo = message.Incident.SloName, runbook = message.Incident.Runbook,
            oncall = message.Incident.OnCall, escalationLevel = message.Incident.EscalationLevel + 1, dependents = message.Incident.Dependents,
            link = message.IncidentLink, explanation = message.Explanation, details = message.Details,
        }),
    };

    /// <summary>What happened, in words: the heading of the Slack, Teams and e-mail messages.</summary>
    public static string Verb(string action) => action switch
    {
        "trigger" => "Incident opened", "escalate" => "Incident escalated", "raise" => "Incident raised from ticket to page", "acknowledge" => "Incident acknowledged", _ => "Incident resolved",
    };

    /// <summary>
    /// The facts every readable message shows, in order: status, component, team, SLO, who is on call, dependents, then the
    /// alert's figures (windows, threshold, budget left) that the message carries.
    /// </summary>
    public static IReadOnlyList<(string Name, string Value)> Facts(IncidentMessage message)
    {
        var incident = message.Incident;
        var facts = new List<(string, string)> { ("Status", incident.Status), ("Severity", incident.Severity), ("Component", incident.ComponentRef),
            ("Team", message.OwnerTeam ?? "none") };
        if (incident.SloName is not null)
        {
            facts.Add(("SLO", incident.SloName));
        }
        if (incident.OnCall is not null)
        {
            facts.Add(("On call", $"{incident.OnCall} (layer {incident.EscalationLevel + 1})"));
        }
        if (incident.Dependents.Count > 0)
        {
            facts.Add(("Dependents", string.Join(", ", incident.Dependents.Take(10)) + (incident.Dependents.Count > 10 ? ", …" : "")));
        }
        foreach (var (name, value) in message.Details.Where(d => !Repeated.Contains(d.Key)).OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            facts.Add((name, value));
        }
        return facts;
    }

    // Details already shown as facts or links.
    private static readonly HashSet<string> Repeated = new(["slo", "component", "severity", "runbook"], StringComparer.Ordinal);

    public static Dictionary<string, object?> PagerDutyEvent(string routingKey, IncidentMessage message)
    {
        var incident = message.Incident;
        var body = new Dictionary<string, object?>
        {
            ["routing_key"] = routingKey,
            ["event_action"] = message.Action is "escalate" or "raise" ? "trigger" : message.Action,
            ["dedup_key"] = DedupKey(incident),
        };
        if (message.Action is not ("trigger" or "escalate" or "raise"))
        {
            return body; // acknowledge and resolve need only the key
        }
        var details = new Dictionary<string, string>(message.Details, StringComparer.Ordinal)
        {
            ["explanation"] = message.Explanation ?? "",
            ["incident"] = message.IncidentLink,
        };
        if (incident.Runbook is not null)
        {
            details["runbook"] = incident.Runbook;
        }
        if (incident.OnCall is not null)
        {
            details["oncall"] = incident.OnCall;
            details["escalationLevel"] = (incident.EscalationLevel + 1).ToString(CultureInfo.InvariantCulture);
        }
        if (incident.Dependents.Count > 0)
        {
            details["dependents"] = string.Join(", ", incident.Dependents);
        }
        body["client"] = "Portal";
        body["client_url"] = message.IncidentLink;
        body["payload"] = new Dictionary<string, object?>
        {
            ["summary"] = Truncate(message.Action switch
            {
                "escalate" => $"ESCALATED to {incident.OnCall}: {message.Summary}",
                "raise" => $"RAISED to page: {message.Summary}",
                _ => message.Summary,
            }, 1024),
            ["source"] = incident.ComponentRef,
            ["severity"] = incident.Severity == "page" ? "critical" : "warning",
            ["timestamp"] = incident.TriggeredAt.ToString("O", CultureInfo.InvariantCulture),
            ["component"] = incident.ComponentRef,
            ["group"] = message.OwnerTeam,
            ["class"] = incident.SloName is null ? "incident" : "slo-burn-rate",
            ["custom_details"] = details,
        };
        var links = new List<object> { new { href = message.IncidentLink, text = "Incident in Portal" } };
        if (incident.Runbook is not null)
        {
            links.Insert(0, new { href = incident.Runbook, text = "Runbook" });
        }
        body["links"] = links;
        return body;
    }

    public static object SlackMessage(IncidentMessage message)
    {
        var incident = message.Incident;
        var text = $"{Verb(message.Action)} ({incident.Severity}): {message.Summary}";
        var fields = new List<object>
        {
            Field("Status", incident.Status),
            Field("Component", incident.ComponentRef),
            Field("Team", message.OwnerTeam ?? "none"),
        };
        if (incident.SloName is not null)
        {
            fields.Add(Field("SLO", incident.SloName));
        }
        if (incident.OnCall is not null)
        {
            fields.Add(Field("On call", $"{incident.OnCall} (layer {incident.EscalationLevel + 1})"));
        }
        if (incident.Dependents.Count > 0)
        {
            fields.Add(Field("Dependents", string.Join(", ", incident.Dependents.Take(10)) + (incident.Dependents.Count > 10 ? ", …" : "")));
        }
        var links = $"<{message.IncidentLink}|Incident in Portal>" + (incident.Runbook is null ? "" : $" · <{incident.Runbook}|Runbook>");
        return new
        {
            text,
            blocks = new object[]
            {
                new { type = "section", text = new { type = "mrkdwn", text = $"*{Escape(text)}*" + (message.Explanation is null ? "" : $"\n{Escape(message.Explanation)}") } },
                new { type = "section", fields },
                new { type = "section", text = new { type = "mrkdwn", text = links } },
            },
        };
    }

    private static object Field(string name, string value) => new { type = "mrkdwn", text = $"*{name}*\n{Escape(value)}" };

    // Slack's mrkdwn control characters in text that is not ours.
    private static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
        .Replace(">", "&gt;", StringComparison.Ordinal);

    internal static string Truncate(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
