using MudBlazor;
using Portal.Web.Data;

namespace Portal.Web.Infrastructure.Extensions;

/// <summary>
/// A column a feature adds to the home's "My services" table (SLO status, cost, scorecard level), registered in its
/// <c>Add&lt;Feature&gt;</c>: the catalog's card lists the components and asks each registered column for its facts in one
/// batch, so the catalog knows no feature and the table costs one query per column, not per row.
/// </summary>
public interface IComponentFactColumn
{
    /// <summary>The column heading.</summary>
    string Title { get; }

    /// <summary>Position among the columns (after the component's name).</summary>
    int Order { get; }

    /// <summary>The facts for these components (lower-case refs), keyed by ref; a component without a fact is absent.</summary>
    Task<IReadOnlyDictionary<string, ComponentFact>> LoadAsync(PortalDbContext db, IReadOnlyCollection<string> componentRefs, DateTimeOffset now,
        CancellationToken cancellationToken);
}

/// <summary>
/// One cell: <paramref name="Text"/> (shown as a chip in <paramref name="Color"/> when given), a line under it, a link to where
/// the fact comes from and a hover text.
/// </summary>
public sealed record ComponentFact(string Text, Color? Color = null, string? Detail = null, string? Href = null, string? Hint = null);
