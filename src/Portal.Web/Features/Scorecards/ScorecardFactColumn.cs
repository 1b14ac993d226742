using MudBlazor;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;
using Portal.Web.Infrastructure.Extensions;

namespace Portal.Web.Features.Scorecards;

/// <summary>The home's "My services" scorecard column: the level each component reached on the first enabled scorecard, the others on hover.</summary>
public sealed class ScorecardFactColumn : IComponentFactColumn
{
    public string Title => "Scorecard";

    public int Order => 30;

    public async Task<IReadOnlyDictionary<string, ComponentFact>> LoadAsync(PortalDbContext db, IReadOnlyCollection<string> componentRefs, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        if (componentRefs.Count == 0)
        {
            return new Dictionary<string, ComponentFact>();
        }
        var levels = await ScorecardReads.LevelsAsync(db, componentRefs, cancellationToken);
        return levels.Where(l => l.Value.Count > 0).ToDictionary(l => l.Key, l => Summarise(l.Key, l.Value));
    }

    /// <summary>One cell: the first scorecard's level ("no level yet" below the first), its title, and every scorecard's level on hover.</summary>
    public static ComponentFact Summarise(string entityRef, IReadOnlyList<EntityLevel> levels)
    {
        var first = levels[0];
        var more = levels.Count > 1 ? $" (+{levels.Count - 1} more)" : "";
        return new ComponentFact(first.Level ?? "No level yet", first.Level is null ? Color.Default : Color.Info, first.Title + more,
            EntityRef.Parse(entityRef).PagePath + "?tab=scorecards",
            string.Join(", ", levels.Select(l => $"{l.Title}: {l.Level ?? "no level"} ({l.Passed} of {l.Total} checks)")));
    }
}
