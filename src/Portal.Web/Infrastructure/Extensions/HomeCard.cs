namespace Portal.Web.Infrastructure.Extensions;

/// <summary>
/// A section a feature adds to the home page (e.g. telemetry coverage), registered in its <c>Add&lt;Feature&gt;</c>; the home
/// page (in the shell, the one place that composes features) renders every registered card in <see cref="Order"/>.
/// </summary>
/// <param name="Component">A Razor component without parameters that loads and shows its own figures.</param>
/// <param name="Order">Position on the page, after the catalog's figures.</param>
public sealed record HomeCard(Type Component, int Order);
