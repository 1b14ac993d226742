namespace Portal.Web.Features.Incidents;

/// <summary>Where incidents are routed (<c>Portal:Incidents</c>).</summary>
public sealed class IncidentsOptions
{
    public const string Section = "Portal:Incidents";

    /// <summary>The receivers; each gets the incidents its team and severity filters let through.</summary>
    public List<IncidentReceiver> Receivers { get; set; } = [];

    /// <summary>The SMTP server of the <c>email</c> receivers.</summary>
    public IncidentSmtpOptions Smtp { get; set; } = new();

    /// <summary>
    /// The most incidents one person may declare by hand in a rolling hour, admins too (<see cref="DeclarationRate"/>); one
    /// more is refused (429 with Retry-After). Incidents opened by alerts are not counted.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(1, 10_000)]
    public int MaxDeclarationsPerHour { get; set; } = 10;

    /// <summary>
    /// Whether a firing alert of <paramref name="severity"/> on a component of <paramref name="team"/> opens an incident:
    /// a page always does; a ticket does when a receiver that takes it has <see cref="IncidentReceiver.OpenIncident"/>,
    /// and otherwise only notifies.
    /// </summary>
    public bool OpensIncident(string? team, string severity) =>
        severity == "page" || (severity == "ticket" && Receivers.Any(r => r.OpenIncident && r.Takes(team, severity)));

    /// <summary>Why the receivers are unusable; null when they are fine (checked at start).</summary>
    public string? Problem()
    {
        foreach (var (receiver, i) in Receivers.Select((r, i) => (r, i)))
        {
            if (!IncidentPayloads.Formats.Contains(receiver.Format))
            {
                return $"{Section}:Receivers:{i}:Format must be one of {string.Join(", ", IncidentPayloads.Formats)}.";
            }
            if (receiver.Format == IncidentPayloads.Email)
            {
                if (receiver.To.Count == 0 || receiver.To.Any(a => !MimeKit.MailboxAddress.TryParse(a, out _)))
                {
                    return $"{Section}:Receivers:{i}:To needs one or more e-mail addresses for the email format.";
                }
                if (Smtp.Problem() is { } smtp)
                {
                    return smtp;
                }
                continue; // sent over SMTP: no URL
            }
            if (!Uri.TryCreate(receiver.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            {
                return $"{Section}:Receivers:{i}:Url must be an absolute http(s) URL.";
            }
            if (receiver.Format == IncidentPayloads.PagerDuty && string.IsNullOrWhiteSpace(receiver.RoutingKey))
            {
                return $"{Section}:Receivers:{i}:RoutingKey is needed for the pagerduty format (the integration key of the PagerDuty service).";
            }
            if (receiver.Format == IncidentPayloads.Opsgenie && string.IsNullOrWhiteSpace(receiver.ApiKey))
            {
                return $"{Section}:Receivers:{i}:ApiKey is needed for the opsgenie format (the key of an Opsgenie API integration).";
            }
        }
        return null;
    }
}

/// <summary>One receiver: a URL, the body's format, and which incidents it takes.</summary>
public sealed class IncidentReceiver
{
    /// <summary>Where it is posted (for <c>opsgenie</c>: the Alert API's <c>.../v2/alerts</c>); not used by <c>email</c>.</summary>
    public string Url { get; set; } = "";

    /// <summary><c>pagerduty</c> (Events API v2), <c>slack</c> (incoming webhook), <c>teams</c> (Microsoft Teams incoming
    /// webhook or Workflows: an Adaptive Card), <c>opsgenie</c> (Alert API), <c>email</c> (SMTP) or <c>json</c>.</summary>
    public string Format { get; set; } = IncidentPayloads.Json;

    /// <summary>The PagerDuty integration key (a secret: never logged).</summary>
    public string? RoutingKey { get; set; }

    /// <summary>The Opsgenie API integration key, sent as <c>Authorization: GenieKey ...</c> (a secret: never logged).</summary>
    public string? ApiKey { get; set; }

    /// <summary>The addresses an <c>email</c> receiver writes to (a team's list, the on-call alias).</summary>
    public List<string> To { get; set; } = [];

    /// <summary>Only incidents of components this team (<c>group:default/payments</c>) owns; empty: every team's.</summary>
    public string? Team { get; set; }

    /// <summary>Only these severities (<c>page</c>, <c>ticket</c>); empty: all.</summary>
    public List<string> Severities { get; set; } = [];

    /// <summary>
    /// For ticket alerts: open a ticket-severity incident (deduplicated by component and SLO like page ones, paging nobody)
    /// instead of only notifying. A page alert always opens one.
    /// </summary>
    public bool OpenIncident { get; set; }

    public bool Takes(string? team, string severity) =>
        (string.IsNullOrWhiteSpace(Team) || string.Equals(Team, team, StringComparison.OrdinalIgnoreCase))
        && (Severities.Count == 0 || Severities.Contains(severity, StringComparer.OrdinalIgnoreCase));
}
