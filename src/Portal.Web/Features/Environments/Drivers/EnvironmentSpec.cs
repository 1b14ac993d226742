namespace Portal.Web.Features.Environments.Drivers;

/// <summary>What a driver needs to know about the environment it builds or removes.</summary>
public sealed record EnvironmentSpec(
    Guid Id, string Name, string ComponentRef, string OwnerTeam, string Type, string Tier, TierSpec Size, string Region,
    string RequestedBy, IReadOnlyDictionary<string, string> Parameters)
{
    public static EnvironmentSpec From(PortalEnvironment e) => new(
        e.Id, e.Name, e.ComponentRef, e.OwnerTeam, e.Type, e.Tier,
        new TierSpec { Cpu = e.Cpu, MemoryGi = e.MemoryGi, StorageGi = e.StorageGi }, e.Region, e.RequestedBy, e.Parameters);
}
