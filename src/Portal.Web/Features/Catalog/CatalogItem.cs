namespace Portal.Web.Features.Catalog;

/// <summary>
/// What other features may know of a catalog entity: its identity and the columns they filter on. A member-init
/// projection (not a record constructor), so queries compose on it and EF still translates them to the same SQL.
/// </summary>
public sealed class CatalogItem
{
    public required string Ref { get; init; }
    public required string Kind { get; init; }
    public required string Namespace { get; init; }
    public required string Name { get; init; }
    public string? Title { get; init; }
    public string? Description { get; init; }
    public string? Type { get; init; }
    public string? Lifecycle { get; init; }

    /// <summary>The owner as a full lower-case ref (<c>group:default/payments</c>).</summary>
    public string? Owner { get; init; }
    public string? System { get; init; }

    /// <summary>Vanished from its location; kept for the grace period, then removed.</summary>
    public bool Orphaned { get; init; }
}
