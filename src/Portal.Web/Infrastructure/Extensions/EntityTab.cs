namespace Portal.Web.Infrastructure.Extensions;

/// <summary>
/// A tab a feature adds to the catalog's entity pages (SLOs, environments, cost). A feature registers it in its
/// <c>Add&lt;Feature&gt;</c> (<c>services.AddSingleton(new EntityTab(...))</c>); the entity page renders every registered tab
/// whose <see cref="Kinds"/> hold the entity's kind, in <see cref="Order"/>, so the catalog never references the feature.
/// </summary>
/// <param name="Title">The tab's label.</param>
/// <param name="Slug">Its name in the page's <c>?tab=</c> query, lower-case.</param>
/// <param name="Kinds">The kinds it applies to, in the catalog's spelling (e.g. <c>Component</c>).</param>
/// <param name="Component">A Razor component with one parameter, <c>Entity</c> (<see cref="EntityFacts"/>).</param>
/// <param name="Order">Position among the registered tabs (after the catalog's own).</param>
public sealed record EntityTab(string Title, string Slug, IReadOnlySet<string> Kinds, Type Component, int Order);
