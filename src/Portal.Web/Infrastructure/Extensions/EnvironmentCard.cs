namespace Portal.Web.Infrastructure.Extensions;

/// <summary>
/// What a feature adds to an environment's page (e.g. its cost from billing data), registered in its
/// <c>Add&lt;Feature&gt;</c>; the environment page renders every registered card in <see cref="Order"/>, as rows of its
/// Overview table (the component renders <c>&lt;tr&gt;&lt;th&gt;label&lt;/th&gt;&lt;td&gt;value&lt;/td&gt;&lt;/tr&gt;</c>), so the page looks as it
/// did when it read the figure itself.
/// </summary>
/// <param name="Component">A Razor component with one parameter, <c>Environment</c> (<see cref="EnvironmentFacts"/>).</param>
/// <param name="Order">Position among the registered cards.</param>
public sealed record EnvironmentCard(Type Component, int Order);
