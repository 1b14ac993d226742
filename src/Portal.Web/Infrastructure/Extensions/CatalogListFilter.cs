namespace Portal.Web.Infrastructure.Extensions;

/// <summary>
/// A filter a feature adds to the catalog list (e.g. scorecard level), registered as a singleton in its
/// <c>Add&lt;Feature&gt;</c>; the catalog list shows one select per registered filter under its facets and keeps the choice
/// in the URL (<c>?{Param}={value}</c>), so the catalog never references the feature that answers it.
/// </summary>
public interface ICatalogListFilter
{
    /// <summary>The URL query parameter, lower-case, distinct from the catalog's own (kind, type, lifecycle, owner, system, tag, q).</summary>
    string Param { get; }

    /// <summary>The select's label.</summary>
    string Label { get; }

    /// <summary>Position among the registered filters.</summary>
    int Order { get; }

    /// <summary>The values to choose from, with their labels.</summary>
    Task<IReadOnlyList<CatalogFilterOption>> OptionsAsync(CancellationToken cancellationToken);

    /// <summary>The refs of the entities the value selects (full lower-case refs), or null when the value is not one of the options.</summary>
    Task<IReadOnlyCollection<string>?> EntityRefsAsync(string value, CancellationToken cancellationToken);
}

/// <summary>One choice of an <see cref="ICatalogListFilter"/>.</summary>
public sealed record CatalogFilterOption(string Value, string Label);
