namespace Portal.Web.Features.Environments.Drivers;

/// <summary>Where a driver writes what it does; the lines reach the environment page live.</summary>
public interface IRunLog
{
    Task InfoAsync(string stepName, string message, CancellationToken cancellationToken);
    Task WarningAsync(string stepName, string message, CancellationToken cancellationToken);
}
