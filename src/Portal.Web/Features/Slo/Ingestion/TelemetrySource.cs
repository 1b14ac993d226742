namespace Portal.Web.Features.Slo.Ingestion;

/// <summary>A <c>service.name</c> that has sent metrics: matched to a component, or reported as unknown.</summary>
public sealed class TelemetrySource
{
    public required string ServiceName { get; set; }

    /// <summary>The catalog component it maps to; null when no component (or alias) matches.</summary>
    public string? ComponentRef { get; set; }
    public DateTimeOffset FirstSeenAt { get; set; }
    public DateTimeOffset LastSeenAt { get; set; }
    public long AcceptedPoints { get; set; }
    public long RejectedPoints { get; set; }
    public string? LastRejection { get; set; }
}
