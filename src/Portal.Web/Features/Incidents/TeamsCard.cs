namespace Portal.Web.Features.Incidents;

/// <summary>
/// The Microsoft Teams body: a <c>message</c> with one Adaptive Card attachment, the shape Microsoft documents for
/// incoming webhooks and the Workflows app's "post to a channel when a webhook request is received" (<c>type</c>
/// <c>message</c>; <c>attachments</c> of <c>contentType</c> <c>application/vnd.microsoft.card.adaptive</c>,
/// <c>contentUrl</c> null, the card in <c>content</c>). The card uses only elements of Adaptive Cards 1.2 that Teams
/// renders from a webhook: <c>TextBlock</c>, <c>FactSet</c> and <c>Action.OpenUrl</c> (webhooks take no <c>Action.Submit</c>). Pure.
/// </summary>
public static class TeamsCard
{
    public const string ContentType = "application/vnd.microsoft.card.adaptive";

    public static object Message(IncidentMessage message)
    {
        var incident = message.Incident;
        var body = new List<object>
        {
            new { type = "TextBlock", text = $"{IncidentPayloads.Verb(message.Action)} ({incident.Severity})", weight = "Bolder", size = "Medium",
                color = incident.Severity == "page" ? "Attention" : "Warning", wrap = true },
            new { type = "TextBlock", text = message.Summary, wrap = true },
        };
        if (message.Explanation is not null)
        {
            body.Add(new { type = "TextBlock", text = message.Explanation, wrap = true, isSubtle = true });
        }
        body.Add(new { type = "FactSet", facts = IncidentPayloads.Facts(message).Select(f => new { title = f.Name, value = f.Value }).ToList() });
        var actions = new List<object> { new { type = "Action.OpenUrl", title = "Incident in Portal", url = message.IncidentLink } };
        if (incident.Runbook is not null)
        {
            actions.Add(new { type = "Action.OpenUrl", title = "Runbook", url = incident.Runbook });
        }
        return new Dictionary<string, object?>
        {
            ["type"] = "message",
            // Teams shows this in notifications and chat lists, where the card cannot be drawn.
            ["summary"] = $"{IncidentPayloads.Verb(message.Action)}: {message.Summary}",
            ["attachments"] = new object[]
            {
                new Dictionary<string, object?>
                {
                    ["contentType"] = ContentType,
                    ["contentUrl"] = null,
                    ["content"] = new Dictionary<string, object?>
                    {
                        ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
                        ["type"] = "AdaptiveCard",
                        ["version"] = "1.2",
                        ["body"] = body,
                        ["actions"] = actions,
                        ["msteams"] = new { width = "Full" },
                    },
                },
            },
        };
    }
}
