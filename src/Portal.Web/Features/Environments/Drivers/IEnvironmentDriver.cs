namespace Portal.Web.Features.Environments.Drivers;

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
