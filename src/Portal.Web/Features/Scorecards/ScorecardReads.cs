using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;

namespace Portal.Web.Features.Scorecards;

/// <summary>The scorecards' read surface: the level each entity reached on each enabled scorecard, for many entities in one query.</summary>
public static class ScorecardReads
{
    /// <summary>The levels of these entities (lower-case refs) on the enabled scorecards, by ref, each list ordered by scorecard title.</summary>
    public static async Task<IReadOnlyDictionary<string, IReadOnlyList<EntityLevel>>> LevelsAsync(PortalDbContext db, IReadOnlyCollection<string> entityRefs,
        CancellationToken cancellationToken)
    {
        var rows = await (from r in db.ScorecardResults.AsNoTracking()
                          join s in db.Scorecards.AsNoTracking() on r.ScorecardId equals s.Id
                          where entityRefs.Contains(r.EntityRef) && s.Enabled
                          orderby s.Title
                          select new { r.EntityRef, s.Name, s.Title, r.Level, r.Passed, r.Total }).ToListAsync(cancellationToken);
        return rows.GroupBy(r => r.EntityRef).ToDictionary(g => g.Key,
            g => (IReadOnlyList<EntityLevel>)g.Select(r => new EntityLevel(r.Name, r.Title, r.Level, r.Passed, r.Total)).ToList());
    }
}

/// <summary>An entity's standing on one scorecard: <see cref="Level"/> null when it reached no level yet.</summary>
public sealed record EntityLevel(string Scorecard, string Title, string? Level, int Passed, int Total);
