namespace Portal.Web.Features.Incidents;

/// <summary>
/// An incident's statuses and the moves between them: forward only (triggered, acknowledged, mitigated, resolved; a
/// step may be skipped), resolved is final. Moving records when and who, and the time to acknowledge and to resolve. Pure.
/// </summary>
public static class IncidentLifecycle
{
    public const string Triggered = "triggered";
    public const string Acknowledged = "acknowledged";
    public const string Mitigated = "mitigated";
    public const string Resolved = "resolved";

    public static readonly string[] Order = [Triggered, Acknowledged, Mitigated, Resolved];

    /// <summary>Why the incident cannot move to <paramref name="to"/>; null when it can.</summary>
    public static string? Problem(Incident incident, string to) =>
        !Order.Contains(to) ? $"'{to}' is not a status: {string.Join(", ", Order)}."
        : incident.Status == Resolved ? "The incident is resolved already."
        : Array.IndexOf(Order, to) <= Array.IndexOf(Order, incident.Status) ? $"The incident is {incident.Status} already; it moves forward only."
        : null;

    /// <summary>Moves the incident (checked with <see cref="Problem"/> first) and returns the timeline line.</summary>
    public static IncidentEvent Move(Incident incident, string to, string actor, DateTimeOffset at)
    {
        if (Problem(incident, to) is { } problem)
        {
            throw new InvalidOperationException(problem);
        }
        incident.Status = to;
        if (incident.AcknowledgedAt is null && to is Acknowledged or Mitigated or Resolved)
        {
            incident.AcknowledgedAt = at;
            incident.AcknowledgedBy = actor;
            incident.SecondsToAcknowledge = Seconds(incident.TriggeredAt, at);
        }
        if (to is Mitigated or Resolved)
        {
            incident.MitigatedAt ??= at;
        }
        if (to == Resolved)
        {
            incident.ResolvedAt = at;
            incident.ResolvedBy = actor;
            incident.SecondsToResolve = Seconds(incident.TriggeredAt, at);
        }
        return new IncidentEvent { IncidentId = incident.Id, At = at, Kind = to, Actor = actor, Text = $"{char.ToUpperInvariant(to[0])}{to[1..]} by {actor}." };
    }

    private static long Seconds(DateTimeOffset from, DateTimeOffset to) => (long)Math.Max(0, (to - from).TotalSeconds);
}
