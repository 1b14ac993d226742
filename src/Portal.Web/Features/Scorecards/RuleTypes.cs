namespace Portal.Web.Features.Scorecards;

/// <summary>
/// The checks a scorecard rule may use: small typed checks over signals the portal has, never free code. Adding one
/// means a row here, a case in <see cref="ScorecardEvaluator"/>, unit tests, and a line in docs/scorecards.md.
/// </summary>
public static class RuleTypes
{
    public const string OwnerTeam = "owner.team";
    public const string FieldPresent = "field.present";
    public const string LifecycleIn = "lifecycle.in";
    public const string AnnotationPresent = "annotation.present";
    public const string LinkPresent = "link.present";
    public const string RelationPresent = "relation.present";
    public const string SloDefined = "slo.defined";
    public const string SloMet = "slo.met";
    public const string SloBudget = "slo.budgetRemaining";
    public const string TelemetryRecent = "telemetry.recent";
    public const string CostTagged = "cost.taggedShare";
    public const string CostBudget = "cost.withinBudget";
    public const string EnvironmentPresent = "environment.present";
    public const string EnvironmentCompliant = "environment.compliant";
    public const string TemplateCreated = "template.created";
    public const string TemplateCurrent = "template.current";
    public const string DeployFrequency = "delivery.deployFrequency";
    public const string BuildSuccess = "delivery.buildSuccess";
    public const string AlertRouting = "incident.alertRouting";
    public const string OnCallPresent = "incident.onCall";

    public static readonly IReadOnlyList<string> Fields = ["description", "title", "type", "lifecycle", "system", "tags"];
    public static readonly IReadOnlyList<string> RelationTypes = ["providesApi", "consumesApi", "dependsOn"];

    public static readonly IReadOnlyList<RuleType> All =
    [
        new(OwnerTeam, "catalog", "The owner is set and is a team (a Group) the catalog knows.", []),
        new(FieldPresent, "catalog", "A descriptor field is filled in.",
            [new("field", ParameterKind.Text, true, OneOf: Fields, Help: string.Join(", ", Fields))]),
        new(LifecycleIn, "catalog", "The lifecycle is one of the given values.", [new("values", ParameterKind.TextList, true, Help: "e.g. [production, experimental]")]),
        new(AnnotationPresent, "catalog", "An annotation is present and not empty (e.g. backstage.io/source-location, backstage.io/source-template).",
            [new("annotation", ParameterKind.Text, true, Help: "the annotation's key")]),
        new(LinkPresent, "catalog", "A link whose title, type, icon or URL contains the text (case-insensitive), e.g. runbook.",
            [new("match", ParameterKind.Text, true, Help: "e.g. runbook")]),
        new(RelationPresent, "catalog", "The entity declares at least `min` relations of a type.",
            [new("relation", ParameterKind.Text, true, OneOf: RelationTypes, Help: string.Join(", ", RelationTypes)), new("min", ParameterKind.WholeNumber, false, 1L, 1, 1000)]),
        new(SloDefined, "slo", "At least `min` SLOs are defined for the entity.", [new("min", ParameterKind.WholeNumber, false, 1L, 1, 1000)]),
        new(SloMet, "slo", "Every SLO of the entity is met now (status ok or warning, not breached).", []),
        new(SloBudget, "slo", "Every SLO of the entity has more than `minPercent` of its error budget left.",
            [new("minPercent", ParameterKind.Percent, true, Help: "e.g. 25")]),
        new(TelemetryRecent, "telemetry", "The service sent metrics to the portal in the last `hours` hours (M5 coverage).",
            [new("hours", ParameterKind.WholeNumber, false, 24L, 1, 24 * 90)]),
        new(CostTagged, "cost", "At least `minPercent` of the owner team's cost over `days` days is attributed to components (tagged).",
            [new("minPercent", ParameterKind.Percent, true, Help: "e.g. 80"), new("days", ParameterKind.WholeNumber, false, 30L, 1, 365)]),
        new(CostBudget, "cost", "Spend this budget month is at most `maxPercent` % of the budget: the component's own, else its owner team's (Cost, budgets).",
            [new("maxPercent", ParameterKind.WholeNumber, false, 100L, 1, 1000, Help: "e.g. 100")]),
        new(EnvironmentCompliant, "environments", "Every existing environment of the entity complies with the environment policy (TTL, type, tier, region, approval, quota; M7).", []),
        new(TemplateCreated, "templates", "The entity was registered by a completed scaffolder run (a template's catalog:register step).", []),
        new(TemplateCurrent, "templates", "The template the entity was made from has not changed since, or its newer version is at most `days` days old.",
            [new("days", ParameterKind.WholeNumber, false, 90L, 0, 3650, Help: "e.g. 90")]),
        new(EnvironmentPresent, "environments", "The entity has an environment made through the portal (of `tier`, when given) that is not deleted.",
            [new("tier", ParameterKind.Text, false)]),
        new(DeployFrequency, "delivery", "At least `perWeek` successful production deployments per week on average over the last `days` days.",
            [new("perWeek", ParameterKind.WholeNumber, true, Min: 1, Max: 1000, Help: "e.g. 1"), new("days", ParameterKind.WholeNumber, false, 28L, 7, 365)]),
        new(BuildSuccess, "delivery", "At least `minPercent` of the builds that finished (succeeded or failed) over the last `days` days succeeded.",
            [new("minPercent", ParameterKind.Percent, true, Help: "e.g. 90"), new("days", ParameterKind.WholeNumber, false, 28L, 1, 365)]),
        new(AlertRouting, "incidents", "The owner team's incidents reach a receiver (Portal:Incidents:Receivers names the team, or a receiver takes every team's).", []),
        new(OnCallPresent, "incidents", "The owner team has an on-call schedule with someone in it.", []),
    ];

    public static RuleType? Find(string name) => All.FirstOrDefault(t => t.Name == name);
}
