using System.Globalization;

namespace Portal.Web.Features.Incidents;

/// <summary>
/// Opsgenie Alert API requests (<c>https://api.opsgenie.com/v2/alerts</c>, <c>Authorization: GenieKey &lt;key&gt;</c>).
/// An opening incident creates an alert (<c>message</c> at most 130 characters, <c>alias</c> 512, <c>description</c>
/// 15,000, <c>details</c> a map of strings, <c>priority</c> P1-P5); the same <c>alias</c> (one per portal incident)
/// deduplicates it and names it for <c>acknowledge</c> and <c>close</c> (<c>POST .../{alias}/acknowledge?identifierType=alias</c>);
/// an escalation adds a note (<c>.../{alias}/notes</c>), since Opsgenie's own escalate needs an Opsgenie escalation policy.
/// A ticket incident raised to page is a create at P1 with the same alias: a receiver that takes only pages gets its first
/// alert, one that had the P3 alert sees it deduplicated (Opsgenie keeps the first priority; the note says raised). Pure.
/// </summary>
public static class OpsgenieAlert
{
    public const int MessageLimit = 130, DescriptionLimit = 15000, DetailValueLimit = 1000;

    public static ReceiverRequest Request(string alertsUrl, string apiKey, IncidentMessage message)
    {
        var incident = message.Incident;
        var alias = IncidentPayloads.DedupKey(incident);
        var auth = $"GenieKey {apiKey}";
        var itemUrl = $"{alertsUrl.TrimEnd('/')}/{Uri.EscapeDataString(alias)}";
        switch (message.Action)
        {
            case "acknowledge":
                return new($"{itemUrl}/acknowledge?identifierType=alias",
                    Action(incident.AcknowledgedBy, $"Acknowledged in Portal by {incident.AcknowledgedBy}: {message.IncidentLink}"), auth);
            case "resolve":
                return new($"{itemUrl}/close?identifierType=alias",
                    Action(incident.ResolvedBy, $"Resolved in Portal by {incident.ResolvedBy}: {message.IncidentLink}"), auth);
            case "escalate":
                return new($"{itemUrl}/notes?identifierType=alias",
                    Action(null, $"Escalated to {incident.OnCall} (layer {incident.EscalationLevel + 1}): nobody acknowledged. {message.IncidentLink}"), auth);
        }
        var details = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in IncidentPayloads.Facts(message))
        {
            details[name] = IncidentPayloads.Truncate(value, DetailValueLimit);
        }
        details["Incident"] = message.IncidentLink;
        if (incident.Runbook is not null)
        {
            details["Runbook"] = incident.Runbook;
        }
        var description = string.Join("\n", new[]
        {
            message.Summary,
            message.Explanation,
            incident.Runbook is null ? null : $"Runbook: {incident.Runbook}",
            $"Incident in Portal: {message.IncidentLink}",
        }.Where(l => l is not null));
        var tags = new List<string> { "portal", incident.Severity };
        if (incident.SloName is not null)
        {
            tags.Add($"slo:{incident.SloName}");
        }
        var body = new Dictionary<string, object?>
        {
            ["message"] = IncidentPayloads.Truncate(message.Summary, MessageLimit),
            ["alias"] = alias,
            ["description"] = IncidentPayloads.Truncate(description, DescriptionLimit),
            ["details"] = details,
            ["entity"] = incident.ComponentRef,
            ["source"] = "Portal",
            ["priority"] = incident.Severity == "page" ? "P1" : "P3",
            ["tags"] = tags,
        };
        if (message.Action == "raise")
        {
            body["note"] = string.Create(CultureInfo.InvariantCulture, $"Raised from ticket to page in Portal; paged {incident.OnCall ?? "nobody (no schedule)"}.");
        }
        else if (incident.OnCall is not null)
        {
            body["note"] = string.Create(CultureInfo.InvariantCulture, $"On call in Portal: {incident.OnCall} (layer {incident.EscalationLevel + 1}).");
        }
        return new(alertsUrl, body, auth);
    }

    private static Dictionary<string, object?> Action(string? user, string note) => new()
    {
        ["user"] = user ?? "Portal", ["source"] = "Portal", ["note"] = IncidentPayloads.Truncate(note, 25000),
    };
}
