namespace Portal.Web.Features.Environments.Drivers;

/// <summary>A failure worth retrying (a git push race, a flaky network); anything else fails the run at once.</summary>
public sealed class TransientDriverException(string message, Exception? inner = null) : Exception(message, inner);
