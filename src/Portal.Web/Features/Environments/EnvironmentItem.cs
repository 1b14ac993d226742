namespace Portal.Web.Features.Environments;

/// <summary>What other features may know of an environment: its identity, its component and its owning team (full lower-case refs).</summary>
public sealed record EnvironmentItem(Guid Id, string Name, string Component, string Team);
