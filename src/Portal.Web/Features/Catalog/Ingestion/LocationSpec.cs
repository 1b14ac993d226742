namespace Portal.Web.Features.Catalog.Ingestion;

/// <summary>Where a location points: its type (file, git, url), target, branch and path within the repository.</summary>
public sealed record LocationSpec(string Type, string Target, string? Branch = null, string? Path = null);
