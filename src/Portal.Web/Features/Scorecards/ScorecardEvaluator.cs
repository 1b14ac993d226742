using System.Globalization;

namespace Portal.Web.Features.Scorecards;

/// <summary>
/// Judges entities against scorecards: pure, no I/O, so each rule type is unit-tested for pass, fail, no data and its
/// explanation. A rule whose signal the portal does not have answers "no data", which never counts as passing. A check
/// returns facts only (<see cref="RuleFinding"/>); <see cref="RuleExplanation"/> turns them into sentences when read.
/// </summary>
public static class ScorecardEvaluator
{
    /// <summary>The scorecard's verdict on an entity, or null when its filter does not select the entity.</summary>
    public static ScorecardOutcome? Evaluate(ScorecardDefinition card, EntitySignals entity, DateTimeOffset now)
    {
        if (!card.Filter.Matches(entity))
        {
            return null;
        }
        var results = new RuleFinding[card.Rules.Count];
        for (var i = 0; i < results.Length; i++)
        {
            results[i] = Judge(card.Rules[i], entity, now);
        }
        var level = -1;
        for (var l = 0; l < card.Levels.Count; l++)
        {
            var passes = true;
            for (var i = 0; i < results.Length && passes; i++)
            {
                passes = !string.Equals(card.Rules[i].Level, card.Levels[l], StringComparison.OrdinalIgnoreCase) || results[i].Outcome == RuleOutcome.Pass;
            }
            if (!passes)
            {
                break;
            }
            level = l;
        }
        return new ScorecardOutcome(entity.Ref, entity.Owner, level < 0 ? null : card.Levels[level], level, card.Rules, results);
    }

    /// <summary>One rule on one entity, explained (what the API and the tests read).</summary>
    public static RuleResult Check(ScorecardRule rule, EntitySignals e, DateTimeOffset now) => RuleExplanation.Explain(rule, Judge(rule, e, now), e.Owner);

    /// <summary>One rule on one entity: the outcome and the facts its explanation needs, nothing more (this is what is stored).</summary>
    public static RuleFinding Judge(ScorecardRule rule, EntitySignals e, DateTimeOffset now)
    {
        var p = rule.Parameters;
        return rule.Check switch
        {
            RuleTypes.OwnerTeam => e.Owner is not null && e.OwnerIsTeam ? Pass() : Fail(),
            RuleTypes.FieldPresent => string.IsNullOrWhiteSpace(FieldValue(p.Text("field")!, e)) ? Fail() : Pass(),
            RuleTypes.LifecycleIn => e.Lifecycle is null ? Fail()
                : p.List("values").Contains(e.Lifecycle, StringComparer.OrdinalIgnoreCase) ? Pass(e.Lifecycle) : Fail(e.Lifecycle),
            RuleTypes.AnnotationPresent => e.Annotations.TryGetValue(p.Text("annotation")!, out var a) && !string.IsNullOrWhiteSpace(a) ? Pass() : Fail(),
            RuleTypes.LinkPresent => Link(p.Text("match")!, e),
            RuleTypes.RelationPresent => Relation(p.Text("relation")!, (int)p.Whole("min"), e),
            RuleTypes.SloDefined => e.Slos is null ? NoData()
                : e.Slos.Count >= p.Whole("min") ? Pass(Whole(e.Slos.Count)) : Fail(Whole(e.Slos.Count)),
            RuleTypes.SloMet => SloMet(e),
            RuleTypes.SloBudget => SloBudget(p.Number("minPercent"), e),
            RuleTypes.TelemetryRecent => Telemetry((int)p.Whole("hours"), e, now),
            RuleTypes.CostTagged => Cost(p.Number("minPercent"), (int)p.Whole("days"), e),
            RuleTypes.EnvironmentPresent => Environment(p.Text("tier"), e),
            RuleTypes.CostBudget => Budget(p.Whole("maxPercent"), e),
            RuleTypes.EnvironmentCompliant => Compliance(e),
            RuleTypes.TemplateCreated => !e.TemplateKnown ? NoData() : e.Template is { } made ? Pass(made.TemplateRef, Day(made.CreatedAt)) : Fail(),
            RuleTypes.TemplateCurrent => TemplateCurrent((int)p.Whole("days"), e, now),
            RuleTypes.DeployFrequency => DeployFrequency(p.Whole("perWeek"), (int)p.Whole("days"), e),
            RuleTypes.BuildSuccess => BuildSuccess(p.Number("minPercent"), (int)p.Whole("days"), e),
            RuleTypes.OnCallPresent => e.TeamOnCall is not { } onCall ? NoData() : onCall ? Pass() : Fail(),
            RuleTypes.AlertRouting => e.TeamRouted is not { } routed ? NoData() : routed ? Pass() : Fail(),
            _ => NoData(),
        };
    }

    private static RuleFinding Pass(string? value = null, string? detail = null) => new(RuleOutcome.Pass, value, detail);

    private static RuleFinding Fail(string? value = null, string? detail = null) => new(RuleOutcome.Fail, value, detail);

    private static RuleFinding NoData(string? value = null, string? detail = null) => new(RuleOutcome.NoData, value, detail);

    private static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Money(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);

    private static string Whole(int n) => n.ToString(CultureInfo.InvariantCulture);

    /// <summary>A descriptor field's value as <c>field.present</c> reads it.</summary>
    public static string? FieldValue(string field, EntitySignals e) => field switch
    {
        "description" => e.Description,
        "title" => e.Title,
        "type" => e.Type,
        "lifecycle" => e.Lifecycle,
        "system" => e.System,
        "tags" => e.Tags.Count == 0 ? null : string.Join(", ", e.Tags),
        _ => null,
    };

    private static RuleFinding Link(string match, EntitySignals e) =>
        e.Links.Any(l => Contains(l.Title, match) || Contains(l.Type, match) || Contains(l.Icon, match) || Contains(l.Url, match))
            ? Pass() : Fail(Whole(e.Links.Count));

    private static bool Contains(string? text, string match) => text?.Contains(match, StringComparison.OrdinalIgnoreCase) == true;

    private static RuleFinding Relation(string relation, int min, EntitySignals e)
    {
        var count = e.Relations.TryGetValue(relation, out var n) ? n : 0;
        return count >= min ? Pass(Whole(count)) : Fail(Whole(count));
    }

    /// <summary>Pass/fail value: SLOs met of those with data (and the breached ones); no data: how many SLOs exist (0: none defined).</summary>
    private static RuleFinding SloMet(EntitySignals e)
    {
        if (e.Slos is null)
        {
            return NoData();
        }
        var judged = e.Slos.Where(s => s.Status != "no-data").ToList();
        if (judged.Count == 0)
        {
            return NoData(Whole(e.Slos.Count));
        }
        var breached = judged.Where(s => s.Status == "breached").Select(s => s.Name).ToList();
        return breached.Count == 0 ? Pass($"{judged.Count}/{judged.Count}") : Fail($"{judged.Count - breached.Count}/{judged.Count}", string.Join(", ", breached));
    }

    /// <summary>Pass/fail value: the lowest budget left in percent (one decimal) and that SLO's name; no data: how many SLOs exist.</summary>
    private static RuleFinding SloBudget(decimal minPercent, EntitySignals e)
    {
        if (e.Slos is null)
        {
            return NoData();
        }
        var known = e.Slos.Where(s => s.BudgetRemaining is not null).ToList();
        if (known.Count == 0)
        {
            return NoData(Whole(e.Slos.Count));
        }
        var lowest = known.MinBy(s => s.BudgetRemaining)!;
        var percent = Math.Round(lowest.BudgetRemaining!.Value * 100, 1);
        var value = percent.ToString("0.#", CultureInfo.InvariantCulture);
        return percent > minPercent ? Pass(value, lowest.Name) : Fail(value, lowest.Name);
    }

    /// <summary>
    /// A pass stores no time: the exact last arrival changes every few seconds for a healthy service, and storing it would
    /// rewrite every such result on every run. A fail stores when metrics last arrived (to the minute, UTC), or nothing for never.
    /// </summary>
    private static RuleFinding Telemetry(int hours, EntitySignals e, DateTimeOffset now)
    {
        if (!e.TelemetryKnown)
        {
            return NoData();
        }
        if (e.TelemetryLastSeen is not { } seen)
        {
            return Fail();
        }
        return now - seen <= TimeSpan.FromHours(hours) ? Pass() : Fail(seen.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm'Z'", CultureInfo.InvariantCulture));
    }

    private static RuleFinding Cost(decimal minPercent, int days, EntitySignals e)
    {
        if (!e.TeamCost.TryGetValue(days, out var cost) || cost.Total <= 0)
        {
            return NoData();
        }
        var share = Math.Round(cost.Attributed / cost.Total * 100, 1);
        var value = share.ToString("0.#", CultureInfo.InvariantCulture);
        return share >= minPercent ? Pass(value) : Fail(value);
    }

    /// <summary>
    /// Value: the successful production deployments in the window. Compared in whole numbers (deployments × 7 against
    /// perWeek × days) so a component exactly at the threshold passes, with no rounding.
    /// </summary>
    private static RuleFinding DeployFrequency(long perWeek, int days, EntitySignals e)
    {
        if (e.Delivery is null || !e.Delivery.TryGetValue(days, out var window))
        {
            return NoData();
        }
        var value = Whole(window.Deployments);
        return (long)window.Deployments * 7 >= perWeek * days ? Pass(value) : Fail(value);
    }

    /// <summary>
    /// Value: the share of finished builds that succeeded (one decimal), detail "succeeded/finished"; no data (value 0)
    /// when no build finished in the window, since a rate of nothing is unknown, not 0 %. Compared exactly, not rounded.
    /// </summary>
    private static RuleFinding BuildSuccess(decimal minPercent, int days, EntitySignals e)
    {
        if (e.Delivery is null || !e.Delivery.TryGetValue(days, out var window))
        {
            return NoData();
        }
        var finished = window.BuildsSucceeded + window.BuildsFailed;
        if (finished == 0)
        {
            return NoData("0");
        }
        var value = Math.Round((decimal)window.BuildsSucceeded * 100 / finished, 1).ToString("0.#", CultureInfo.InvariantCulture);
        var detail = $"{window.BuildsSucceeded}/{finished}";
        return (decimal)window.BuildsSucceeded * 100 >= minPercent * finished ? Pass(value, detail) : Fail(value, detail);
    }

    /// <summary>Pass: the environment's name and "tier status"; fail: how many environments the entity has.</summary>
    private static RuleFinding Environment(string? tier, EntitySignals e)
    {
        if (e.Environments is null)
        {
            return NoData();
        }
        var found = e.Environments.FirstOrDefault(v => tier is null || string.Equals(v.Tier, tier, StringComparison.OrdinalIgnoreCase));
        return found is null ? Fail(Whole(e.Environments.Count)) : Pass(found.Name, $"{found.Tier} {found.Status}");
    }

    /// <summary>
    /// Value: the share of the budget spent (one decimal); detail: "scope spent amount currency month". No data ("none")
    /// without a budget: a component nobody budgeted is not within budget, its spend is just not judged. Compared exactly.
    /// </summary>
    private static RuleFinding Budget(long maxPercent, EntitySignals e)
    {
        if (!e.BudgetKnown)
        {
            return NoData();
        }
        if (e.Budget is not { Amount: > 0 } b)
        {
            return NoData("none");
        }
        var value = Math.Round(b.Spent * 100 / b.Amount, 1).ToString("0.#", CultureInfo.InvariantCulture);
        var detail = $"{b.Scope} {Money(b.Spent)} {Money(b.Amount)} {b.Currency} {b.Period.ToString("yyyy-MM", CultureInfo.InvariantCulture)}";
        return b.Spent * 100 <= b.Amount * maxPercent ? Pass(value, detail) : Fail(value, detail);
    }

    /// <summary>
    /// Value: compliant environments of those judged ("2/3"); fail detail: the first three non-compliant ones and their
    /// problems. No data ("0") when the entity has no environment that exists: there is nothing to comply.
    /// </summary>
    private static RuleFinding Compliance(EntitySignals e)
    {
        if (e.EnvironmentCompliance is not { } environments)
        {
            return NoData();
        }
        if (environments.Count == 0)
        {
            return NoData("0");
        }
        var broken = environments.Where(v => v.Problems.Count > 0).ToList();
        var value = $"{environments.Count - broken.Count}/{environments.Count}";
        if (broken.Count == 0)
        {
            return Pass(value);
        }
        var detail = string.Join("; ", broken.Take(3).Select(v => $"{v.Name}: {string.Join(", ", v.Problems)}")) + (broken.Count > 3 ? $"; {broken.Count - 3} more" : "");
        return Fail(value, detail.Length > 400 ? detail[..399] + "…" : detail);
    }

    /// <summary>
    /// Value: "current" when the template is unchanged since the run, else the whole days the newer version has existed;
    /// detail: the template. No data when no run made the entity ("none") or its template left the catalog ("gone").
    /// </summary>
    private static RuleFinding TemplateCurrent(int days, EntitySignals e, DateTimeOffset now)
    {
        if (!e.TemplateKnown)
        {
            return NoData();
        }
        if (e.Template is not { } t)
        {
            return NoData("none");
        }
        if (!t.TemplateExists)
        {
            return NoData("gone", t.TemplateRef);
        }
        if (t.Current || t.NewerSince is not { } since)
        {
            return Pass("current", t.TemplateRef);
        }
        var behind = Math.Max(0, (int)Math.Floor((now - since).TotalDays));
        return behind <= days ? Pass(Whole(behind), t.TemplateRef) : Fail(Whole(behind), t.TemplateRef);
    }
}
