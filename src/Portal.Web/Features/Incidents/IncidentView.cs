namespace Portal.Web.Features.Incidents;

/// <summary>An incident as the API shows it, with its timeline (oldest first) when one incident is asked for.</summary>
public sealed record IncidentView(Guid Id, string Title, string Component, string? Owner, Guid? SloId, string? Slo, string Severity, string Status,
    string? Runbook, DateTimeOffset TriggeredAt, DateTimeOffset? AcknowledgedAt, string? AcknowledgedBy, DateTimeOffset? MitigatedAt,
    DateTimeOffset? ResolvedAt, string? ResolvedBy, long? SecondsToAcknowledge, long? SecondsToResolve, IReadOnlyList<IncidentTimelineEntry> Timeline,
    string? OnCall, int EscalationLevel, IReadOnlyList<string> Dependents, IReadOnlyList<IncidentTask> Checklist, bool HasPostmortem,
    string? Commander = null, string? DeclaredBy = null);

public sealed record IncidentTimelineEntry(DateTimeOffset At, string Kind, string Actor, string Text);
