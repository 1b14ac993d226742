namespace Portal.Web.Features.Environments;

/// <summary>A request for an environment, as the API and the form send it.</summary>
public sealed record EnvironmentRequest(
    string? Name, string? Component, string? Type, string? Tier, string? Region = null, string? Ttl = null, string? Driver = null,
    Dictionary<string, string>? Parameters = null);
