namespace Portal.Web.Features.Environments;

public sealed record ExtendRequest(string? Ttl);
