namespace Portal.Web.Features.Environments;

public sealed record PolicyDocument(int Version, string Yaml, DateTimeOffset CreatedAt, string CreatedBy, string? Comment);
