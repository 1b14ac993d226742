namespace Portal.Web.Features.Environments;

public sealed record EnvironmentSummary(
    Guid Id, string Name, string Component, string Team, string Type, string Tier, string Region, string Driver, string Status,
    string RequestedBy, DateTimeOffset RequestedAt, DateTimeOffset? ReadyAt, DateTimeOffset? ExpiresAt, decimal MonthlyEstimate,
    IReadOnlyDictionary<string, string> Outputs)
{
    public static EnvironmentSummary From(PortalEnvironment e) => new(e.Id, e.Name, e.ComponentRef, e.OwnerTeam, e.Type, e.Tier, e.Region,
        e.Driver, e.Status.ToString(), e.RequestedBy, e.RequestedAt, e.ReadyAt, e.ExpiresAt, e.MonthlyEstimate, e.Outputs);
}
