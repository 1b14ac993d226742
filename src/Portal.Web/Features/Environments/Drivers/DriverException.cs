namespace Portal.Web.Features.Environments.Drivers;

/// <summary>A failure the run reports as it is (bad module, invalid input): retrying would not help.</summary>
public sealed class DriverException(string message) : Exception(message);
