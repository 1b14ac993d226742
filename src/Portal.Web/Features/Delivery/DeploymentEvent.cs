namespace Portal.Web.Features.Delivery;

/// <summary>
/// The body of <c>POST /api/delivery/deployments</c>: one deployment. <see cref="Commits"/> are the changes it brings,
/// newest first or in any order, with their commit times (lead time is measured from them); <see cref="CommitSha"/>
/// alone is enough when the times are unknown. Sending the same component and run id again updates it.
/// </summary>
public sealed record DeploymentEvent(string? Component, string? Environment,
    [property: System.Text.Json.Serialization.JsonConverter(typeof(StringOrNumberConverter))] string? RunId, string? Version, string? CommitSha,
    IReadOnlyList<DeploymentEventCommit>? Commits, string? Status, bool? Rollback, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt,
    string? Url, string? DeployedBy);

public sealed record DeploymentEventCommit(string? Sha, DateTimeOffset? CommittedAt);
