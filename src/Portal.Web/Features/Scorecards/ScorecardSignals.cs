using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Cost;
using Portal.Web.Features.Delivery;
using Portal.Web.Features.Environments;
using Portal.Web.Features.Incidents;
using Portal.Web.Features.Slo;
using Portal.Web.Features.Templates;

namespace Portal.Web.Features.Scorecards;

/// <summary>
/// Gathers the signals the rules judge, only through the owners' read surfaces (<see cref="CatalogReads"/>, <see cref="SloReads"/>,
/// <see cref="CostReads"/>, <see cref="EnvironmentReads"/>, <see cref="DeliveryReads"/>, <see cref="IncidentReads"/>, <see cref="TemplateReads"/>), and only those some enabled rule needs. The per-entity catalog
/// facts are read page by page (<see cref="PagesAsync"/>) so 100,000 entities fit in bounded memory.
/// </summary>
public sealed class ScorecardSignals
{
    public const int PageSize = 5000;

    private readonly HashSet<string> _teams;
    private readonly Dictionary<string, Dictionary<string, int>> _relations;
    private readonly ILookup<string, SloSignal>? _slos;
    private readonly IReadOnlyDictionary<string, DateTimeOffset>? _telemetry;
    private readonly Dictionary<int, IReadOnlyDictionary<string, TeamCostShare>> _cost;
    private readonly ILookup<string, EnvironmentSignal>? _environments;
    private readonly IReadOnlyCollection<string> _kinds;
    private readonly IReadOnlySet<string>? _delivering;
    private readonly Dictionary<int, IReadOnlyDictionary<string, DeliveryCounts>> _delivery = [];
    private IReadOnlySet<string>? _onCall;
    private AlertRouting? _routing;
    private IReadOnlyList<BudgetSpend>? _budgets;
    private Dictionary<string, BudgetSpend>? _componentBudgets;
    private Dictionary<string, BudgetSpend>? _teamBudgets;
    private ILookup<string, ComplianceSignal>? _compliance;
    private IReadOnlyDictionary<string, TemplateOrigin>? _templates;

    private ScorecardSignals(IReadOnlyCollection<string> kinds, HashSet<string> teams, Dictionary<string, Dictionary<string, int>> relations,
        ILookup<string, SloSignal>? slos, IReadOnlyDictionary<string, DateTimeOffset>? telemetry, Dictionary<int, IReadOnlyDictionary<string, TeamCostShare>> cost,
        ILookup<string, EnvironmentSignal>? environments, IReadOnlySet<string>? delivering) =>
        (_kinds, _teams, _relations, _slos, _telemetry, _cost, _environments, _delivering) = (kinds, teams, relations, slos, telemetry, cost, environments, delivering);

    /// <summary>
    /// Loads the signals the rules of <paramref name="cards"/> use (a signal no rule needs stays unloaded), each with one
    /// query for all entities (one per window for delivery). <paramref name="routing"/> is Incidents' receiver
    /// configuration; without it <c>incident.alertRouting</c> answers "no data".
    /// </summary>
    public static async Task<ScorecardSignals> LoadAsync(PortalDbContext db, IReadOnlyList<ScorecardDefinition> cards, DateTimeOffset now, CancellationToken ct,
        AlertRouting? routing = null)
    {
        var checks = cards.SelectMany(c => c.Rules).Select(r => r.Check).ToHashSet(StringComparer.Ordinal);
        IReadOnlyCollection<string> kinds = cards.Any(c => c.Filter.Kinds.Count == 0)
            ? CatalogKinds.All
            : cards.SelectMany(c => c.Filter.Kinds).Select(k => CatalogKinds.All.FirstOrDefault(a => string.Equals(a, k, StringComparison.OrdinalIgnoreCase)) ?? k)
                .Distinct(StringComparer.Ordinal).ToList();
        var teams = (await CatalogReads.Active(db, CatalogKinds.Group).Select(i => i.Ref).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);

        var relations = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        if (checks.Contains(RuleTypes.RelationPresent))
        {
            foreach (var (source, type, count) in await CatalogReads.RelationCountsAsync(db, RuleTypes.RelationTypes, ct))
            {
                (relations.TryGetValue(source, out var byType) ? byType : relations[source] = new(StringComparer.Ordinal))[type] = count;
            }
        }
        var slos = checks.Any(c => c.StartsWith("slo.", StringComparison.Ordinal))
            ? (await SloReads.BudgetStatesAsync(db, null, now, ct)).ToLookup(s => s.Component, s => new SloSignal(s.DisplayName ?? s.Name, s.Status, s.BudgetRemaining), StringComparer.Ordinal)
            : null;
        var telemetry = checks.Contains(RuleTypes.TelemetryRecent) ? await SloReads.TelemetryLastSeenAsync(db, ct) : null;
        var cost = new Dictionary<int, IReadOnlyDictionary<string, TeamCostShare>>();
        foreach (var days in cards.SelectMany(c => c.Rules).Where(r => r.Check == RuleTypes.CostTagged).Select(r => (int)r.Parameters.Whole("days")).Distinct())
        {
            var to = now.UtcDateTime.Date.AddDays(1);
            cost[days] = await CostReads.TeamAttributionAsync(db, to.AddDays(-days), to, ct);
        }
        var environments = checks.Contains(RuleTypes.EnvironmentPresent)
            ? (await EnvironmentReads.LiveAsync(db, ct)).ToLookup(e => e.Component, e => new EnvironmentSignal(e.Name, e.Tier, e.Status), StringComparer.Ordinal)
            : null;
        var deliveryRules = cards.SelectMany(c => c.Rules).Where(r => r.Check is RuleTypes.DeployFrequency or RuleTypes.BuildSuccess).ToList();
        var signals = new ScorecardSignals(kinds, teams, relations, slos, telemetry, cost, environments,
            deliveryRules.Count > 0 ? await DeliveryReads.ComponentsAsync(db, ct) : null);
        foreach (var days in deliveryRules.Select(r => (int)r.Parameters.Whole("days")).Distinct())
        {
            var end = DateOnly.FromDateTime(now.UtcDateTime).AddDays(1);
            signals._delivery[days] = await DeliveryReads.CountsAsync(db, end.AddDays(-days), end, ct);
        }
        if (checks.Contains(RuleTypes.OnCallPresent))
        {
            signals._onCall = await IncidentReads.TeamsOnCallAsync(db, ct);
        }
        signals._routing = checks.Contains(RuleTypes.AlertRouting) ? routing : null;
        if (checks.Contains(RuleTypes.CostBudget))
        {
            signals._budgets = await CostReads.BudgetsAsync(db, now, ct);
            signals._componentBudgets = signals._budgets.Where(b => b.Component is not null).GroupBy(b => b.Component!, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            signals._teamBudgets = signals._budgets.Where(b => b.Component is null).GroupBy(b => b.Team, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        }
        if (checks.Contains(RuleTypes.EnvironmentCompliant))
        {
            signals._compliance = (await EnvironmentReads.ComplianceAsync(db, now, ct))
                .ToLookup(e => e.Component, e => new ComplianceSignal(e.Name, e.Problems), StringComparer.Ordinal);
        }
        if (checks.Contains(RuleTypes.TemplateCreated) || checks.Contains(RuleTypes.TemplateCurrent))
        {
            signals._templates = await TemplateReads.OriginsAsync(db, ct);
        }
        return signals;
    }

    /// <summary>The entities of the kinds the scorecards look at, with their signals, one page at a time in ref order.</summary>
    public async IAsyncEnumerable<IReadOnlyList<EntitySignals>> PagesAsync(PortalDbContext db, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        string? after = null;
        while (true)
        {
            var page = await CatalogReads.FactsAsync(db, _kinds, after, PageSize, ct);
            if (page.Count == 0)
            {
                yield break;
            }
            after = page[^1].Ref;
            yield return page.Select(Signals).ToList();
            if (page.Count < PageSize)
            {
                yield break;
            }
        }
    }

    /// <summary>One entity's signals from its catalog facts and the loaded per-feature signals.</summary>
    public EntitySignals Signals(CatalogFacts f)
    {
        return new EntitySignals
        {
            Ref = f.Ref, Kind = f.Kind, Type = f.Type, Lifecycle = f.Lifecycle, Owner = f.Owner, OwnerIsTeam = f.Owner is not null && _teams.Contains(f.Owner),
            System = f.System, Title = f.Title, Description = f.Description, Tags = f.Tags, Annotations = f.Annotations,
            Links = [.. f.Links.Select(l => new EntityLink(l.Url, l.Title, l.Type, l.Icon))],
            Relations = _relations.TryGetValue(f.Ref, out var r) ? r : new Dictionary<string, int>(),
            Slos = _slos is null ? null : [.. _slos[f.Ref]],
            TelemetryKnown = _telemetry is not null,
            TelemetryLastSeen = _telemetry is not null && _telemetry.TryGetValue(f.Ref, out var seen) ? seen : null,
            // Cost attributes to team refs (group:default/payments), as the owner is written.
            TeamCost = f.Owner is not { } owner ? new Dictionary<int, CostShare>()
                : _cost.Where(c => c.Value.ContainsKey(owner)).ToDictionary(c => c.Key, c => new CostShare(c.Value[owner].Total, c.Value[owner].Attributed)),
            BudgetKnown = _budgets is not null,
            Budget = Budget(f),
            EnvironmentCompliance = _compliance is null ? null : [.. _compliance[f.Ref]],
            TemplateKnown = _templates is not null,
            Template = _templates is not null && _templates.TryGetValue(f.Ref, out var made)
                ? new TemplateSignal(made.TemplateRef, made.CreatedAt, made.TemplateExists, made.Current, made.NewerSince) : null,
            Environments = _environments is null ? null : [.. _environments[f.Ref]],
            Delivery = _delivering is null || !_delivering.Contains(f.Ref) ? null
                : _delivery.ToDictionary(w => w.Key, w => w.Value.TryGetValue(f.Ref, out var c) ? new DeliveryWindow(c.Deployments, c.BuildsSucceeded, c.BuildsFailed) : new DeliveryWindow(0, 0, 0)),
            TeamOnCall = _onCall is null ? null : f.Owner is not null && _onCall.Contains(f.Owner),
            // A receiver for every team takes unowned components' incidents too (IncidentReceiver.Takes).
            TeamRouted = _routing is null ? null : _routing.EveryTeam || (f.Owner is not null && _routing.Routes(f.Owner)),
        };
    }

    /// <summary>The component's own budget when it has one, else its owner team's; null without either.</summary>
    private BudgetSignal? Budget(CatalogFacts f)
    {
        if (_componentBudgets is null || _teamBudgets is null)
        {
            return null;
        }
        var (scope, budget) = _componentBudgets.TryGetValue(f.Ref, out var own) ? ("component", own)
            : f.Owner is not null && _teamBudgets.TryGetValue(f.Owner, out var team) ? ("team", team) : ("", null);
        return budget is null ? null : new BudgetSignal(scope, budget.Spent, budget.Amount, budget.Currency, budget.Period);
    }
}
