using System.Globalization;

namespace Portal.Web.Features.Scorecards;

/// <summary>
/// Turns a stored finding back into what people read: the value seen, the threshold the rule wants and why. Pure and
/// derived from the rule's current parameters and the finding's facts, so results store no sentences.
/// </summary>
public static class RuleExplanation
{
    public static RuleResult Explain(ScorecardRule rule, RuleFinding f, string? owner)
    {
        var p = rule.Parameters;
        var pass = f.Outcome == RuleOutcome.Pass;
        var (value, threshold, why) = f.Outcome == RuleOutcome.NoData ? NoData(rule, f) : rule.Check switch
        {
            RuleTypes.OwnerTeam => owner is null ? ("no owner", "a team", "No owner is set (spec.owner).")
                : pass ? (owner, "a team", $"Owned by {owner}, a team the catalog knows.")
                : (owner, "a team", $"The owner {owner} is not a team in the catalog."),
            RuleTypes.FieldPresent => pass ? ("filled in", "filled in", $"The field {p.Text("field")} is filled in.")
                : ("empty", "filled in", $"The field {p.Text("field")} is empty."),
            RuleTypes.LifecycleIn => Lifecycle(p.List("values"), f),
            RuleTypes.AnnotationPresent => pass ? ("present", "present", $"The annotation {p.Text("annotation")} is present.")
                : ("absent", "present", $"The annotation {p.Text("annotation")} is missing."),
            RuleTypes.LinkPresent => pass ? ("present", $"a link matching '{p.Text("match")}'", $"A link's title, type or URL mentions '{p.Text("match")}'.")
                : ($"{f.Value} links, none matching", $"a link matching '{p.Text("match")}'", $"No link's title, type or URL mentions '{p.Text("match")}' ({f.Value} links)."),
            RuleTypes.RelationPresent => (f.Value ?? "0", $"at least {p.Whole("min")}", $"{f.Value} {p.Text("relation")} relation(s) declared; at least {p.Whole("min")} wanted."),
            RuleTypes.SloDefined => ($"{f.Value} SLOs", $"at least {p.Whole("min")}", $"{f.Value} SLO(s) defined; at least {p.Whole("min")} wanted."),
            RuleTypes.SloMet => SloMet(f),
            RuleTypes.SloBudget => ($"{f.Value} %", $"> {Percent(p.Number("minPercent"))}",
                $"The lowest error budget left is {f.Value} % ({f.Detail}); more than {Percent(p.Number("minPercent"))} wanted."),
            RuleTypes.TelemetryRecent => Telemetry(p.Whole("hours"), f),
            RuleTypes.CostTagged => ($"{f.Value} %", $">= {Percent(p.Number("minPercent"))}",
                $"{f.Value} % of the owner team's cost over {p.Whole("days")} days is attributed to components; at least {Percent(p.Number("minPercent"))} wanted."),
            RuleTypes.EnvironmentPresent => Environment(p.Text("tier"), f),
            RuleTypes.CostBudget => Budget(p.Whole("maxPercent"), f),
            RuleTypes.EnvironmentCompliant => pass ? ($"{f.Value} compliant", "all compliant", $"All {Total(f.Value)} environment(s) that exist comply with the environment policy.")
                : ($"{f.Value} compliant", "all compliant", $"Not compliant with the environment policy: {f.Detail}."),
            RuleTypes.TemplateCreated => pass ? (f.Value ?? "", "a scaffolder run", $"Made by a run of {f.Value} on {f.Detail}.")
                : ("no", "a scaffolder run", "No completed scaffolder run registered this entity; it was registered by hand or by the API."),
            RuleTypes.TemplateCurrent => TemplateCurrent(p.Whole("days"), f),
            RuleTypes.DeployFrequency => ($"{f.Value} in {p.Whole("days")} days", $">= {p.Whole("perWeek")}/week",
                $"{f.Value} successful production deployment(s) in the last {p.Whole("days")} days ({PerWeek(f.Value, p.Whole("days"))} a week); "
                + $"at least {p.Whole("perWeek")} a week wanted."),
            RuleTypes.BuildSuccess => ($"{f.Value} %", $">= {Percent(p.Number("minPercent"))}",
                $"{f.Value} % of the builds that finished in the last {p.Whole("days")} days succeeded ({f.Detail}); at least {Percent(p.Number("minPercent"))} wanted."),
            RuleTypes.OnCallPresent => owner is null ? ("no owner", "a schedule", "No owner is set, so no team's on-call schedule applies.")
                : pass ? ("scheduled", "a schedule", $"{owner} has an on-call schedule with someone in it.")
                : ("none", "a schedule", $"{owner} has no on-call schedule with someone in it."),
            RuleTypes.AlertRouting => pass ? ("routed", "a receiver", $"Incidents of {owner ?? "this entity"} reach a receiver.")
                : ("not routed", "a receiver", owner is null ? "No owner is set and no receiver takes every team's incidents."
                    : $"No receiver takes {owner}'s incidents (Portal:Incidents:Receivers names no such team and none takes every team's)."),
            _ => ("unknown check", "-", $"The check '{rule.Check}' is unknown to this portal."),
        };
        return new RuleResult(rule.Id, rule.Title, rule.Level, rule.Check, f.Outcome, value, threshold, why, rule.HowToFix);
    }

    private static (string, string, string) NoData(ScorecardRule rule, RuleFinding f)
    {
        var why = rule.Check switch
        {
            RuleTypes.SloMet when f.Value == "0" => "No SLO is defined, so whether SLOs are met is unknown.",
            RuleTypes.SloMet when f.Value is not null => "The SLOs have no events yet, so whether they are met is unknown.",
            RuleTypes.SloBudget when f.Value == "0" => "No SLO is defined, so no error budget is known.",
            RuleTypes.SloBudget when f.Value is not null => "No SLO has budget data yet.",
            RuleTypes.SloDefined or RuleTypes.SloMet or RuleTypes.SloBudget => "No SLO data is available for this entity, so the rule cannot pass.",
            RuleTypes.TelemetryRecent => "No telemetry data is available for this entity, so the rule cannot pass.",
            RuleTypes.CostTagged => $"No cost of the owner team is known for the last {rule.Parameters.Whole("days")} days.",
            RuleTypes.EnvironmentPresent => "No environment data is available for this entity, so the rule cannot pass.",
            RuleTypes.CostBudget when f.Value == "none" => "Neither this component nor its owner team has a budget (Cost, budgets), so whether it is within budget is unknown.",
            RuleTypes.CostBudget => "Budgets were not available to this evaluation, so the rule cannot pass.",
            RuleTypes.EnvironmentCompliant when f.Value == "0" => "The entity has no environment that exists (provisioning, ready, expiring or failed), so there is nothing to judge.",
            RuleTypes.EnvironmentCompliant => "No environment data is available for this entity, so the rule cannot pass.",
            RuleTypes.TemplateCurrent when f.Value == "none" => "No scaffolder run made this entity, so it has no template version to compare.",
            RuleTypes.TemplateCurrent when f.Value == "gone" => $"The template {f.Detail} it was made from is no longer in the catalog, so its version cannot be compared.",
            RuleTypes.TemplateCreated or RuleTypes.TemplateCurrent => "Scaffolder runs were not available to this evaluation, so the rule cannot pass.",
            RuleTypes.BuildSuccess when f.Value == "0" => $"No build finished in the last {rule.Parameters.Whole("days")} days, so the success rate is unknown.",
            RuleTypes.DeployFrequency or RuleTypes.BuildSuccess => "This component never sent a delivery event to the portal, so how it builds and deploys is unknown.",
            RuleTypes.OnCallPresent => "On-call schedules were not available to this evaluation, so the rule cannot pass.",
            RuleTypes.AlertRouting => "The incident receivers were not available to this evaluation, so the rule cannot pass.",
            _ when RuleTypes.Find(rule.Check) is null => $"The check '{rule.Check}' is unknown to this portal.",
            _ => "The portal has no data for this rule on this entity, so it cannot pass.",
        };
        return (RuleTypes.Find(rule.Check) is null ? "unknown check" : "no data", "-", why);
    }

    private static (string, string, string) Lifecycle(IReadOnlyList<string> allowed, RuleFinding f)
    {
        var wanted = $"one of {string.Join(", ", allowed)}";
        return f.Value is null ? ("none", wanted, "No lifecycle is set (spec.lifecycle).")
            : f.Outcome == RuleOutcome.Pass ? (f.Value, wanted, $"The lifecycle {f.Value} is {wanted}.")
            : (f.Value, wanted, $"The lifecycle {f.Value} is not {wanted}.");
    }

    private static (string, string, string) SloMet(RuleFinding f)
    {
        var parts = (f.Value ?? "0/0").Split('/');
        var (met, judged) = (parts[0], parts.Length > 1 ? parts[1] : parts[0]);
        return f.Outcome == RuleOutcome.Pass ? ($"{met} of {judged} met", "all met", $"All {judged} SLO(s) with data are met.")
            : ($"{met} of {judged} met", "all met", $"Breached: {f.Detail}.");
    }

    private static (string, string, string) Telemetry(long hours, RuleFinding f)
    {
        var wanted = $"within {hours} h";
        return f.Outcome == RuleOutcome.Pass ? ("recent", wanted, $"Metrics arrived within {hours} h of the evaluation.")
            : f.Value is null ? ("never", wanted, "No metrics from this service have reached the portal.")
            : ($"{At(f.Value)}", wanted, $"Metrics last arrived {At(f.Value)}; wanted within {hours} h of the evaluation.");
    }

    private static string At(string stored) =>
        DateTimeOffset.TryParse(stored, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) : stored;

    private static (string, string, string) Environment(string? tier, RuleFinding f)
    {
        var wanted = tier is null ? "an environment" : $"a {tier} environment";
        if (f.Outcome == RuleOutcome.Pass)
        {
            var detail = (f.Detail ?? "").Split(' ', 2);
            return (f.Value ?? "", wanted, $"The {detail[0]} environment {f.Value} ({(detail.Length > 1 ? detail[1] : "")}) was made through the portal.");
        }
        return ($"{f.Value} environments", wanted, $"No {(tier is null ? "" : tier + " ")}environment was made through the portal ({f.Value} in all).");
    }

    private static (string, string, string) Budget(long maxPercent, RuleFinding f)
    {
        // Detail: "scope spent amount currency month" (see ScorecardEvaluator.Budget).
        var d = (f.Detail ?? "").Split(' ');
        var wanted = $"<= {maxPercent} %";
        if (d.Length < 5)
        {
            return ($"{f.Value} %", wanted, $"{f.Value} % of the budget is spent; at most {maxPercent} % wanted.");
        }
        var whose = d[0] == "component" ? "The component" : "Its owner team";
        return ($"{f.Value} %", wanted, $"{whose} spent {d[1]} of its {d[2]} {d[3]} budget for {d[4]} ({f.Value} %); at most {maxPercent} % wanted.");
    }

    private static (string, string, string) TemplateCurrent(long days, RuleFinding f)
    {
        var wanted = days == 0 ? "the current version" : $"at most {days} days behind";
        return f.Value == "current" ? ("current", wanted, $"{f.Detail} has not changed since this entity was made from it.")
            : f.Outcome == RuleOutcome.Pass ? ($"{f.Value} days behind", wanted, $"{f.Detail} changed since this entity was made from it; the newer version is {f.Value} day(s) old, within {days}.")
            : ($"{f.Value} days behind", wanted, $"{f.Detail} changed since this entity was made from it; the newer version is {f.Value} day(s) old, more than {days}.");
    }

    private static string Total(string? fraction) => fraction?.Split('/') is [_, var total] ? total : "?";

    private static string PerWeek(string? deployments, long days) =>
        decimal.TryParse(deployments, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)
            ? Math.Round(n * 7 / days, 1).ToString("0.#", CultureInfo.InvariantCulture) : "?";

    private static string Percent(decimal value) => value.ToString("0.#", CultureInfo.InvariantCulture) + " %";
}
