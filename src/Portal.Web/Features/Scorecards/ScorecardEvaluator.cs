using System.Globalization;

namespace Portal.Web.Features.Scorecards;

/// <summary>
/// Judges entities against scorecards: pure, no I/O, so each rule type is unit-tested for pass, fail, no data and its
/// explanation. A rule whose signal the portal does not have answers "no data", which never counts as passing.
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
        var results = new RuleResult[card.Rules.Count];
        for (var i = 0; i < results.Length; i++)
        {
            results[i] = Check(card.Rules[i], entity, now);
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
        return new ScorecardOutcome(entity.Ref, level < 0 ? null : card.Levels[level], level, results);
    }

    /// <summary>One rule on one entity.</summary>
    public static RuleResult Check(ScorecardRule rule, EntitySignals e, DateTimeOffset now)
    {
        var p = rule.Parameters;
        var (outcome, value, threshold, why) = rule.Check switch
        {
            RuleTypes.OwnerTeam => e.Owner is null
                ? Fail("no owner", "a team", "No owner is set (spec.owner).")
                : e.OwnerIsTeam ? Pass(e.Owner, "a team", $"Owned by {e.Owner}, a team the catalog knows.")
                : Fail(e.Owner, "a team", $"The owner {e.Owner} is not a team in the catalog."),
            RuleTypes.FieldPresent => Field(p.Text("field")!, e),
            RuleTypes.LifecycleIn => Lifecycle(p.List("values"), e),
            RuleTypes.AnnotationPresent => e.Annotations.TryGetValue(p.Text("annotation")!, out var a) && !string.IsNullOrWhiteSpace(a)
                ? Pass(a, "present", $"The annotation {p.Text("annotation")} is {a}.")
                : Fail("absent", "present", $"The annotation {p.Text("annotation")} is missing."),
            RuleTypes.LinkPresent => Link(p.Text("match")!, e),
            RuleTypes.RelationPresent => Relation(p.Text("relation")!, (int)p.Whole("min"), e),
            RuleTypes.SloDefined => e.Slos is null ? NoSignal("SLO")
                : e.Slos.Count >= p.Whole("min") ? Pass($"{e.Slos.Count} SLOs", $"at least {p.Whole("min")}", $"{e.Slos.Count} SLO(s) defined; at least {p.Whole("min")} wanted.")
                : Fail($"{e.Slos.Count} SLOs", $"at least {p.Whole("min")}", $"{e.Slos.Count} SLO(s) defined; at least {p.Whole("min")} wanted."),
            RuleTypes.SloMet => SloMet(e),
            RuleTypes.SloBudget => SloBudget(p.Number("minPercent"), e),
            RuleTypes.TelemetryRecent => Telemetry((int)p.Whole("hours"), e, now),
            RuleTypes.CostTagged => Cost(p.Number("minPercent"), (int)p.Whole("days"), e),
            RuleTypes.EnvironmentPresent => Environment(p.Text("tier"), e),
            _ => (RuleOutcome.NoData, "unknown check", "-", $"The check '{rule.Check}' is unknown to this portal."),
        };
        return new RuleResult(rule.Id, rule.Title, rule.Level, rule.Check, outcome, value, threshold, why, rule.HowToFix);
    }

    private static (string, string, string, string) Pass(string value, string threshold, string why) => (RuleOutcome.Pass, value, threshold, why);

    private static (string, string, string, string) Fail(string value, string threshold, string why) => (RuleOutcome.Fail, value, threshold, why);

    private static (string, string, string, string) NoSignal(string signal, string? detail = null) =>
        (RuleOutcome.NoData, "no data", "-", detail ?? $"No {signal} data is available for this entity, so the rule cannot pass.");

    private static (string, string, string, string) Field(string field, EntitySignals e)
    {
        var value = field switch
        {
            "description" => e.Description,
            "title" => e.Title,
            "type" => e.Type,
            "lifecycle" => e.Lifecycle,
            "system" => e.System,
            "tags" => e.Tags.Count == 0 ? null : string.Join(", ", e.Tags),
            _ => null,
        };
        return string.IsNullOrWhiteSpace(value)
            ? Fail("empty", "filled in", $"The field {field} is empty.")
            : Pass(Short(value), "filled in", $"The field {field} is filled in ({Short(value)}).");
    }

    private static (string, string, string, string) Lifecycle(IReadOnlyList<string> allowed, EntitySignals e)
    {
        var wanted = $"one of {string.Join(", ", allowed)}";
        return e.Lifecycle is null ? Fail("none", wanted, "No lifecycle is set (spec.lifecycle).")
            : allowed.Contains(e.Lifecycle, StringComparer.OrdinalIgnoreCase) ? Pass(e.Lifecycle, wanted, $"The lifecycle {e.Lifecycle} is {wanted}.")
            : Fail(e.Lifecycle, wanted, $"The lifecycle {e.Lifecycle} is not {wanted}.");
    }

    private static (string, string, string, string) Link(string match, EntitySignals e)
    {
        var found = e.Links.FirstOrDefault(l => Contains(l.Title, match) || Contains(l.Type, match) || Contains(l.Icon, match) || Contains(l.Url, match));
        return found is null
            ? Fail($"{e.Links.Count} links, none matching", $"a link matching '{match}'", $"No link's title, type or URL mentions '{match}' ({e.Links.Count} links).")
            : Pass(found.Url, $"a link matching '{match}'", $"The link {found.Title ?? found.Url} matches '{match}'.");
    }

    private static bool Contains(string? text, string match) => text?.Contains(match, StringComparison.OrdinalIgnoreCase) == true;

    private static (string, string, string, string) Relation(string relation, int min, EntitySignals e)
    {
        var count = e.Relations.TryGetValue(relation, out var n) ? n : 0;
        var why = $"{count} {relation} relation(s) declared; at least {min} wanted.";
        return count >= min ? Pass(count.ToString(CultureInfo.InvariantCulture), $"at least {min}", why)
            : Fail(count.ToString(CultureInfo.InvariantCulture), $"at least {min}", why);
    }

    private static (string, string, string, string) SloMet(EntitySignals e)
    {
        if (e.Slos is null)
        {
            return NoSignal("SLO");
        }
        var judged = e.Slos.Where(s => s.Status != "no-data").ToList();
        if (judged.Count == 0)
        {
            return NoSignal("SLO", e.Slos.Count == 0 ? "No SLO is defined, so whether SLOs are met is unknown." : "The SLOs have no events yet, so whether they are met is unknown.");
        }
        var breached = judged.Where(s => s.Status == "breached").Select(s => s.Name).ToList();
        return breached.Count == 0
            ? Pass($"{judged.Count} of {judged.Count} met", "all met", $"All {judged.Count} SLO(s) with data are met.")
            : Fail($"{judged.Count - breached.Count} of {judged.Count} met", "all met", $"Breached: {string.Join(", ", breached)}.");
    }

    private static (string, string, string, string) SloBudget(decimal minPercent, EntitySignals e)
    {
        if (e.Slos is null)
        {
            return NoSignal("SLO");
        }
        var known = e.Slos.Where(s => s.BudgetRemaining is not null).ToList();
        if (known.Count == 0)
        {
            return NoSignal("SLO", e.Slos.Count == 0 ? "No SLO is defined, so no error budget is known." : "No SLO has budget data yet.");
        }
        var lowest = known.MinBy(s => s.BudgetRemaining)!;
        var percent = Math.Round(lowest.BudgetRemaining!.Value * 100, 1);
        var why = $"The lowest error budget left is {Percent(percent)} ({lowest.Name}); more than {Percent(minPercent)} wanted.";
        return percent > minPercent ? Pass(Percent(percent), $"> {Percent(minPercent)}", why) : Fail(Percent(percent), $"> {Percent(minPercent)}", why);
    }

    private static (string, string, string, string) Telemetry(int hours, EntitySignals e, DateTimeOffset now)
    {
        if (!e.TelemetryKnown)
        {
            return NoSignal("telemetry");
        }
        var wanted = $"within {hours} h";
        if (e.TelemetryLastSeen is not { } seen)
        {
            return Fail("never", wanted, "No metrics from this service have reached the portal.");
        }
        var age = now - seen;
        var ago = age.TotalHours < 1 ? $"{Math.Max(0, (int)age.TotalMinutes)} min ago" : $"{(int)age.TotalHours} h ago";
        return age <= TimeSpan.FromHours(hours)
            ? Pass(ago, wanted, $"Metrics last arrived {ago}; wanted within {hours} h.")
            : Fail(ago, wanted, $"Metrics last arrived {ago}; wanted within {hours} h.");
    }

    private static (string, string, string, string) Cost(decimal minPercent, int days, EntitySignals e)
    {
        if (!e.TeamCost.TryGetValue(days, out var cost) || cost.Total <= 0)
        {
            return NoSignal("cost", $"No cost of the owner team is known for the last {days} days.");
        }
        var share = Math.Round(cost.Attributed / cost.Total * 100, 1);
        var why = $"{Percent(share)} of the owner team's cost over {days} days is attributed to components; at least {Percent(minPercent)} wanted.";
        return share >= minPercent ? Pass(Percent(share), $">= {Percent(minPercent)}", why) : Fail(Percent(share), $">= {Percent(minPercent)}", why);
    }

    private static (string, string, string, string) Environment(string? tier, EntitySignals e)
    {
        if (e.Environments is null)
        {
            return NoSignal("environment");
        }
        var wanted = tier is null ? "an environment" : $"a {tier} environment";
        var found = e.Environments.FirstOrDefault(v => tier is null || string.Equals(v.Tier, tier, StringComparison.OrdinalIgnoreCase));
        return found is null
            ? Fail($"{e.Environments.Count} environments", wanted, $"No {(tier is null ? "" : tier + " ")}environment was made through the portal ({e.Environments.Count} in all).")
            : Pass(found.Name, wanted, $"The {found.Tier} environment {found.Name} ({found.Status}) was made through the portal.");
    }

    private static string Percent(decimal value) => value.ToString("0.#", CultureInfo.InvariantCulture) + " %";

    private static string Short(string value) => value.Length <= 60 ? value : value[..57] + "...";
}
