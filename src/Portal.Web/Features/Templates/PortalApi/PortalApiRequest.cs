namespace Portal.Web.Features.Templates.PortalApi;

/// <summary>A checked call of the portal's own API: the path always starts with <c>/api/</c> (see <see cref="PortalApiPath"/>).</summary>
public sealed record PortalApiRequest(string Method, string Path, string Query, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[]? Body, string? ContentType);

/// <summary>What the API answered; <paramref name="Body"/> is at most <see cref="PortalApiClient.MaxResponseBytes"/>.</summary>
public sealed record PortalApiResponse(int Status, IReadOnlyDictionary<string, string> Headers, byte[] Body, string? ContentType);
