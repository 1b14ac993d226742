namespace Portal.Web.Features.Incidents;

/// <summary>Where incidents are routed (<c>Portal:Incidents</c>).</summary>
public sealed class IncidentsOptions
{
    public const string Section = "Portal:Incidents";

    /// <summary>The receivers; each gets the incidents its team and severity filters let through.</summary>
    public List<IncidentReceiver> Receivers { get; set; } = [];

    /// <summary>Why the receivers are unusable; null when they are fine (checked at start).</summary>
    public string? Problem()
    {
        foreach (var (receiver, i) in Receivers.Select((r, i) => (r, i)))
        {
            if (!Uri.TryCreate(receiver.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            {
                return $"{Section}:Receivers:{i}:Url must be an absolute http(s) URL.";
            }
            if (receiver.Format is not (IncidentPayloads.PagerDuty or IncidentPayloads.Slack or IncidentPayloads.Json))
            {
                return $"{Section}:Receivers:{i}:Format must be pagerduty, slack or json.";
            }
            if (receiver.Format == IncidentPayloads.PagerDuty && string.IsNullOrWhiteSpace(receiver.RoutingKey))
            {
                return $"{Section}:Receivers:{i}:RoutingKey is needed for the pagerduty format (the integration key of the PagerDuty service).";
            }
        }
        return null;
    }
}

/// <summary>One receiver: a URL, the body's format, and which incidents it takes.</summary>
public sealed class IncidentReceiver
{
    public string Url { get; set; } = "";

    /// <summary><c>pagerduty</c> (Events API v2), <c>slack</c> (incoming webhook) or <c>json</c>.</summary>
    public string Format { get; set; } = IncidentPayloads.Json;

    /// <summary>The PagerDuty integration key (a secret: never logged).</summary>
    public string? RoutingKey { get; set; }

    /// <summary>Only incidents of components this team (<c>group:default/payments</c>) owns; empty: every team's.</summary>
    public string? Team { get; set; }

    /// <summary>Only these severities (<c>page</c>, <c>ticket</c>); empty: all.</summary>
    public List<string> Severities { get; set; } = [];

    public bool Takes(string? team, string severity) =>
        (string.IsNullOrWhiteSpace(Team) || string.Equals(Team, team, StringComparison.OrdinalIgnoreCase))
        && (Severities.Count == 0 || Severities.Contains(severity, StringComparer.OrdinalIgnoreCase));
}
