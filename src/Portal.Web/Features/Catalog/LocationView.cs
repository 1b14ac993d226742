using System.Text.Json;
using Portal.Web.Features.Catalog.Ingestion;

namespace Portal.Web.Features.Catalog;

/// <summary>A location as the API shows it, its target's credentials redacted.</summary>
public sealed record LocationView(Guid Id, string Type, string Target, string? Branch, string? Path, string Status, DateTimeOffset? LastRefreshAt,
    int? LastRefreshMs, int EntityCount, JsonElement? Errors)
{
    public static LocationView From(CatalogLocation l) =>
        new(l.Id, l.Type, LocationCredentials.Redact(l.Target), l.Branch, l.Path, l.Status, l.LastRefreshAt, l.LastRefreshMs, l.EntityCount,
            l.Errors?.RootElement.Clone());
}
