namespace Portal.Web.Features.Templates.PortalApi;

/// <summary>A call of the portal's own API that was refused before or while it ran (too big, too slow).</summary>
public sealed class PortalApiException(string message) : Exception(message);
