namespace Portal.Web.Infrastructure.Git;

/// <summary>A git command failed; the message is git's own, fit to show an operator.</summary>
public sealed class GitException(string message) : Exception(message);
