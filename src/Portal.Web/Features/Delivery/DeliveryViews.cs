namespace Portal.Web.Features.Delivery;

/// <summary>A stored build, as the API returns it.</summary>
public sealed record BuildView(Guid Id, string Component, string RunId, string Pipeline, string CommitSha, string? Branch, string Status,
    DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, string? Url, string Source, DateTimeOffset UpdatedAt)
{
    public static BuildView From(DeliveryBuild b) =>
        new(b.Id, b.ComponentRef, b.RunId, b.Pipeline, b.CommitSha, b.Branch, b.Status, b.StartedAt, b.FinishedAt, b.Url, b.Source, b.UpdatedAt);
}

/// <summary>A stored deployment, as the API returns it and the delivery tab shows it.</summary>
public sealed record DeploymentView(Guid Id, string Component, string RunId, string Environment, string? Version, string CommitSha,
    IReadOnlyList<DeploymentCommit> Commits, string Status, bool Rollback, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, string? Url,
    string? DeployedBy, string Source, DateTimeOffset UpdatedAt)
{
    public static DeploymentView From(DeliveryDeployment d) =>
        new(d.Id, d.ComponentRef, d.RunId, d.Environment, d.Version, d.CommitSha, d.Commits, d.Status, d.Rollback, d.StartedAt, d.FinishedAt, d.Url,
            d.DeployedBy, d.Source, d.UpdatedAt);
}

/// <summary>The DORA figures of one scope: a component, a team's components, or the organisation (both null).</summary>
public sealed record DeliveryMetrics(string Scope, string? Component, string? Team, DoraFigures Figures);

/// <summary>The gate's answer for one component and environment.</summary>
public sealed record GateAnswer(string Component, string Environment, DateTimeOffset EvaluatedAt, bool Allowed, string Decision,
    IReadOnlyList<GateReason> Reasons, IReadOnlyList<GateSloView> Slos);

public sealed record GateSloView(string Name, string Status, decimal? BudgetRemaining, IReadOnlyList<string> FiringAlerts);

public sealed record GateOverrideView(Guid Id, string Component, string Environment, string Reason, string CreatedBy, DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt, bool Active)
{
    public static GateOverrideView From(GateOverride o, DateTimeOffset now) =>
        new(o.Id, o.ComponentRef, o.Environment, o.Reason, o.CreatedBy, o.CreatedAt, o.ExpiresAt, o.IsActive(now));
}

/// <summary>The body of <c>POST /api/delivery/gate/overrides</c>.</summary>
public sealed record GateOverrideRequest(string? Component, string? Environment, string? Reason, int? Hours);

/// <summary>The body of <c>PUT /api/delivery/gate/policy</c> (and what GET returns).</summary>
public sealed record GatePolicyView(string[]? GatedEnvironments, bool? DenyOnExhaustedBudget, string[]? DenyOnAlertSeverities, string[]? Slos,
    bool? AllowFixes, DateTimeOffset? UpdatedAt = null, string? UpdatedBy = null)
{
    public static GatePolicyView From(GatePolicy p) =>
        new(p.GatedEnvironments, p.DenyOnExhaustedBudget, p.DenyOnAlertSeverities, p.Slos, p.AllowFixes, p.UpdatedAt, p.UpdatedBy);
}
