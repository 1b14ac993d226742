namespace Portal.Web.Features.Environments;

public sealed record DecisionRequest(string? Comment);
