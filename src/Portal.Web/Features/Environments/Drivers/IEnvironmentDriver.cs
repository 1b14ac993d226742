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

/// <summary>Where a driver writes what it does; the lines reach the environment page live.</summary>
public interface IRunLog
{
    Task InfoAsync(string stepName, string message, CancellationToken cancellationToken);
    Task WarningAsync(string stepName, string message, CancellationToken cancellationToken);
}

/// <summary>A failure worth retrying (a git push race, a flaky network); anything else fails the run at once.</summary>
public sealed class TransientDriverException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A failure the run reports as it is (bad module, invalid input): retrying would not help.</summary>
public sealed class DriverException(string message) : Exception(message);

/// <summary>
/// Makes and removes environments. Both operations must be idempotent: the job may run them
/// again after a crash, and a second run must find the work done rather than do it twice.
/// </summary>
public interface IEnvironmentDriver
{
    string Name { get; }

    /// <summary>Builds the environment and returns its outputs (namespace, URLs, driver specifics).</summary>
    Task<IReadOnlyDictionary<string, string>> ProvisionAsync(EnvironmentSpec environment, IRunLog log, CancellationToken cancellationToken);

    Task TeardownAsync(EnvironmentSpec environment, IRunLog log, CancellationToken cancellationToken);
}
