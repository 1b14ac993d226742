namespace Portal.Web.Features.Delivery;

/// <summary>The body of <c>POST /api/delivery/builds</c>: one CI run. Sending the same component and run id again updates it.</summary>
public sealed record BuildEvent(string? Component, string? Pipeline, [property: System.Text.Json.Serialization.JsonConverter(typeof(StringOrNumberConverter))] string? RunId, string? CommitSha, string? Branch, string? Status,
    DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, string? Url);
