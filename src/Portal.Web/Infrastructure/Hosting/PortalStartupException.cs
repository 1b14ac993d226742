namespace Portal.Web.Infrastructure.Hosting;

/// <summary>A start-up problem the operator can fix; Program prints its message without a stack trace.</summary>
public class PortalStartupException(string message, Exception? inner = null) : Exception(message, inner);
