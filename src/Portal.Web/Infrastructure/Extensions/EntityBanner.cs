namespace Portal.Web.Infrastructure.Extensions;

/// <summary>
/// A notice a feature shows above an entity's page (e.g. Incidents: a maintenance window now or planned), and above the
/// pages about that entity's SLOs. A feature registers it in its <c>Add&lt;Feature&gt;</c>
/// (<c>services.AddSingleton(new EntityBanner(...))</c>); the pages render every registered banner whose <see cref="Kinds"/>
/// hold the entity's kind, in <see cref="Order"/>, so neither the catalog nor Slo references the feature. A banner with
/// nothing to say renders nothing.
/// </summary>
/// <param name="Kinds">The kinds it applies to, in the catalog's spelling (e.g. <c>Component</c>).</param>
/// <param name="Component">A Razor component with one parameter, <c>Entity</c> (<see cref="EntityFacts"/>).</param>
/// <param name="Order">Position among the registered banners.</param>
public sealed record EntityBanner(IReadOnlySet<string> Kinds, Type Component, int Order);
