using System.Net;
using MimeKit;

namespace Portal.Web.Features.Incidents;

/// <summary>
/// The e-mail of an incident message: a subject that sorts (<c>[PAGE] Incident opened: ...</c>), a plain-text part and
/// an HTML part with the same facts and links, and threading headers so that the acknowledgement and resolution of one
/// incident land in the thread its opening started. Pure: the sending is <see cref="IncidentMailer"/>'s.
/// </summary>
public static class IncidentMail
{
    public static MimeMessage Compose(IncidentMessage message, string from, IEnumerable<string> to)
    {
        var incident = message.Incident;
        var mail = new MimeMessage();
        mail.From.Add(MailboxAddress.Parse(from));
        foreach (var address in to)
        {
            mail.To.Add(MailboxAddress.Parse(address));
        }
        mail.Subject = Subject(message);
        // One thread per incident: the opening mail's id is the incident's, later mails refer to it.
        var thread = $"{IncidentPayloads.DedupKey(incident)}@portal";
        if (message.Action == "trigger")
        {
            mail.MessageId = thread;
        }
        else
        {
            mail.InReplyTo = thread;
            mail.References.Add(thread);
        }
        mail.Body = new BodyBuilder { TextBody = Text(message), HtmlBody = Html(message) }.ToMessageBody();
        return mail;
    }

    public static string Subject(IncidentMessage message) =>
        IncidentPayloads.Truncate($"[{message.Incident.Severity.ToUpperInvariant()}] {IncidentPayloads.Verb(message.Action)}: {message.Summary}", 250);

    public static string Text(IncidentMessage message)
    {
        var lines = new List<string> { $"{IncidentPayloads.Verb(message.Action)}: {message.Summary}", "" };
        if (message.Explanation is not null)
        {
            lines.AddRange([message.Explanation, ""]);
        }
        lines.AddRange(IncidentPayloads.Facts(message).Select(f => $"{f.Name}: {f.Value}"));
        lines.Add("");
        lines.Add($"Incident in Portal: {message.IncidentLink}");
        if (message.Incident.Runbook is not null)
        {
            lines.Add($"Runbook: {message.Incident.Runbook}");
        }
        return string.Join("\n", lines) + "\n";
    }

    public static string Html(IncidentMessage message)
    {
        static string E(string text) => WebUtility.HtmlEncode(text);
        var html = new System.Text.StringBuilder();
        html.Append($"<h1 style=\"font-size:18px\">{E(IncidentPayloads.Verb(message.Action))} ({E(message.Incident.Severity)})</h1>");
        html.Append($"<p><strong>{E(message.Summary)}</strong></p>");
        if (message.Explanation is not null)
        {
            html.Append($"<p>{E(message.Explanation)}</p>");
        }
        html.Append("<table>");
        foreach (var (name, value) in IncidentPayloads.Facts(message))
        {
            html.Append($"<tr><th align=\"left\">{E(name)}</th><td>{E(value)}</td></tr>");
        }
        html.Append("</table><p>");
        html.Append($"<a href=\"{E(message.IncidentLink)}\">Incident in Portal</a>");
        if (message.Incident.Runbook is not null)
        {
            html.Append($" · <a href=\"{E(message.Incident.Runbook)}\">Runbook</a>");
        }
        html.Append("</p>");
        return html.ToString();
    }
}
