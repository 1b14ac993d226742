using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;
using Portal.Web.Infrastructure.Extensions;

namespace Portal.Web.Features.Scorecards;

/// <summary>
/// The catalog list's filters by scorecard level (<c>?scorecardLevel=production-readiness/silver</c>, or <c>/none</c>) and by
/// rule result (<c>?scorecardRule=production-readiness/runbook/fail</c>), answered from the stored results of enabled
/// scorecards through the <see cref="ICatalogListFilter"/> extension point.
/// </summary>
public sealed class ScorecardCatalogFilters
{
    public const string None = "none";

    /// <summary>Every enabled scorecard with its parsed definition, for the options.</summary>
    public static async Task<IReadOnlyList<(Guid Id, string Title, ScorecardDefinition Definition)>> CardsAsync(PortalDbContext db, CancellationToken ct) =>
        (await db.Scorecards.AsNoTracking().Where(s => s.Enabled).OrderBy(s => s.Title).Select(s => new { s.Id, s.Title, s.Yaml }).ToListAsync(ct))
            .Select(s => (s.Id, s.Title, Definition: ScorecardYaml.ParseOne(s.Yaml).Definition)).Where(s => s.Definition is not null)
            .Select(s => (s.Id, s.Title, s.Definition!)).ToList();

    /// <summary>By level: exactly that level (<c>none</c>: no level reached).</summary>
    public sealed class Level(IDbContextFactory<PortalDbContext> dbFactory) : ICatalogListFilter
    {
        public string Param => "scorecardLevel";
        public string Label => "Scorecard level";
        public int Order => 10;

        public async Task<IReadOnlyList<CatalogFilterOption>> OptionsAsync(CancellationToken cancellationToken)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            return [.. (await CardsAsync(db, cancellationToken)).SelectMany(c => c.Definition.Levels.Reverse().Append(None)
                .Select(l => new CatalogFilterOption($"{c.Definition.Name}/{l.ToLowerInvariant()}", $"{c.Title}: {(l == None ? "no level" : l)}")))];
        }

        public async Task<IReadOnlyCollection<string>?> EntityRefsAsync(string value, CancellationToken cancellationToken)
        {
            var parts = value.Split('/');
            if (parts.Length != 2)
            {
                return null;
            }
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            if ((await CardsAsync(db, cancellationToken)).FirstOrDefault(c => c.Definition.Name == parts[0]) is not { Definition: not null } card)
            {
                return null;
            }
            var index = parts[1] == None ? -1 : card.Definition.LevelIndex(parts[1]);
            if (index < 0 && parts[1] != None)
            {
                return null;
            }
            return await db.ScorecardResults.AsNoTracking().Where(r => r.ScorecardId == card.Id && r.LevelIndex == index).Select(r => r.EntityRef).ToListAsync(cancellationToken);
        }
    }

    /// <summary>By a rule's result: pass, fail or no-data.</summary>
    public sealed class Rule(IDbContextFactory<PortalDbContext> dbFactory) : ICatalogListFilter
    {
        private static readonly string[] Outcomes = [RuleOutcome.Fail, RuleOutcome.Pass, RuleOutcome.NoData];

        public string Param => "scorecardRule";
        public string Label => "Scorecard rule";
        public int Order => 20;

        public async Task<IReadOnlyList<CatalogFilterOption>> OptionsAsync(CancellationToken cancellationToken)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            return [.. (await CardsAsync(db, cancellationToken)).SelectMany(c => c.Definition.Rules.SelectMany(r => Outcomes
                .Select(o => new CatalogFilterOption($"{c.Definition.Name}/{r.Id}/{o}", $"{c.Title}: {r.Title} – {(o == RuleOutcome.NoData ? "no data" : o)}"))))];
        }

        public async Task<IReadOnlyCollection<string>?> EntityRefsAsync(string value, CancellationToken cancellationToken)
        {
            var parts = value.Split('/');
            if (parts.Length != 3 || !Outcomes.Contains(parts[2]))
            {
                return null;
            }
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var card = (await CardsAsync(db, cancellationToken)).FirstOrDefault(c => c.Definition.Name == parts[0]);
            if (card.Definition is not { } definition || StoredFindings.IndexOf(definition, parts[1]) is not (>= 0 and var index))
            {
                return null;
            }
            // The rule's outcome code at its position, in SQL; results of an older version of the rules match nothing.
            var key = StoredFindings.RulesKey(definition);
            var code = RuleOutcome.Code(parts[2]).ToString();
            return await db.ScorecardResults.AsNoTracking()
                .Where(r => r.ScorecardId == card.Id && r.RulesKey == key && r.Outcomes.Substring(index, 1) == code)
                .Select(r => r.EntityRef).ToListAsync(cancellationToken);
        }
    }
}
