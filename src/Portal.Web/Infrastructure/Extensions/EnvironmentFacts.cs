namespace Portal.Web.Infrastructure.Extensions;

/// <summary>The environment an <see cref="EnvironmentCard"/> is shown for.</summary>
public sealed record EnvironmentFacts(Guid Id, string Name, string ComponentRef, string OwnerTeam);
