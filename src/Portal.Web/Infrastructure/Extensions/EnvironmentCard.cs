namespace Portal.Web.Infrastructure.Extensions;

/// <summary>
/// A card a feature adds to an environment's page (e.g. its cost from billing data), registered in its
/// <c>Add&lt;Feature&gt;</c>; the environment page renders every registered card in <see cref="Order"/>.
/// </summary>
/// <param name="Component">A Razor component with one parameter, <c>Environment</c> (<see cref="EnvironmentFacts"/>).</param>
/// <param name="Order">Position among the registered cards.</param>
public sealed record EnvironmentCard(Type Component, int Order);
