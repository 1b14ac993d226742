namespace Portal.Web.Features.Environments;

public sealed record SavePolicyRequest(string? Yaml, string? Comment);
