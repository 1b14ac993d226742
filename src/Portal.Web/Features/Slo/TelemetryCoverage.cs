namespace Portal.Web.Features.Slo;

/// <summary>Which catalog components sent metrics in the last 24 hours, and which service names matched none.</summary>
public sealed record TelemetryCoverage(int Components, int Reporting, double Share, IReadOnlyList<string> ReportingComponents,
    IReadOnlyList<UnknownService> UnknownServices);

public sealed record UnknownService(string ServiceName, DateTimeOffset LastSeenAt, long RejectedPoints, string? Reason);
