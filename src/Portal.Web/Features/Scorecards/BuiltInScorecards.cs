namespace Portal.Web.Features.Scorecards;

/// <summary>
/// The scorecards that ship enabled, from the platform guide's two checklists, mapped to signals the portal has.
/// Checklist items the portal cannot see (backup restore drills, least-privilege access) are left out rather than scored
/// on a guess; see docs/scorecards.md. A built-in is stored when it is missing, so an existing portal keeps its copy.
/// </summary>
public static class BuiltInScorecards
{
    public const string PreProduction = "pre-production";
    public const string ProductionReadiness = "production-readiness";

    public const string PreProductionYaml = """
        apiVersion: portal/v1
        kind: Scorecard
        metadata:
          name: pre-production
          title: Pre-production
          description: Before a service takes traffic - owned, described, built from a template, sending telemetry, with a rollback runbook.
        spec:
          owner: group:default/platform
          enabled: true
          levels: [Bronze, Silver, Gold]
          filter:
            kind: [Component]
          rules:
            - id: owner-is-team
              title: Owner is a real team
              level: Bronze
              check: owner.team
              howToFix: Set spec.owner to a team (a Group in the catalog), e.g. owner group:default/payments.
            - id: has-description
              title: Has a description
              level: Bronze
              check: field.present
              params: { field: description }
              howToFix: Add metadata.description - one sentence on what the component does.
            - id: has-lifecycle
              title: Lifecycle is declared
              level: Bronze
              check: lifecycle.in
              params: { values: [experimental, production, deprecated] }
              howToFix: Set spec.lifecycle to experimental, production or deprecated.
            - id: has-source
              title: Source location is known
              level: Silver
              check: annotation.present
              params: { annotation: backstage.io/source-location }
              howToFix: Add the annotation backstage.io/source-location with the repository URL (url:https://...).
            - id: rollback-runbook
              title: Rollback runbook linked
              level: Silver
              check: link.present
              params: { match: runbook }
              howToFix: Add a link titled Runbook under metadata.links, pointing at how to roll back.
            - id: telemetry-present
              title: Telemetry present and verified
              level: Silver
              check: telemetry.recent
              params: { hours: 24 }
              howToFix: Send OpenTelemetry metrics with service.name set to the component's name to the portal's OTLP receiver.
            - id: from-template
              title: Created from a template
              level: Gold
              check: template.created
              howToFix: Create services from a portal template (Create, then a template); its run registers the component, which is what this rule looks for.
            - id: template-current
              title: Template version at most 180 days behind
              level: Gold
              check: template.current
              params: { days: 180 }
              howToFix: Bring the service up to its template's current version (compare with a fresh run of the template and take over what changed).
            - id: has-environment
              title: Has an environment made through the portal
              level: Gold
              check: environment.present
              howToFix: Request an environment for the component from the Environments page.
        """;

    public const string ProductionReadinessYaml = """
        apiVersion: portal/v1
        kind: Scorecard
        metadata:
          name: production-readiness
          title: Production readiness
          description: For services in production - monitoring and alerting in place, SLOs met, cost attributed, a runbook at hand.
        spec:
          owner: group:default/platform
          enabled: true
          levels: [Bronze, Silver, Gold]
          filter:
            kind: [Component]
            lifecycle: [production]
          rules:
            - id: owner-is-team
              title: Owner is a real team
              level: Bronze
              check: owner.team
              howToFix: Set spec.owner to a team (a Group in the catalog).
            - id: runbook
              title: Runbook linked
              level: Bronze
              check: link.present
              params: { match: runbook }
              howToFix: Add a link titled Runbook under metadata.links.
            - id: part-of-system
              title: Part of a system
              level: Bronze
              check: field.present
              params: { field: system }
              howToFix: Set spec.system to the system the component belongs to.
            - id: dashboard
              title: Monitoring dashboard linked
              level: Silver
              check: link.present
              params: { match: dashboard }
              howToFix: Add a link titled Dashboard (Grafana or similar) under metadata.links.
            - id: telemetry
              title: Sends metrics (M5 coverage)
              level: Silver
              check: telemetry.recent
              params: { hours: 24 }
              howToFix: Send OpenTelemetry metrics with service.name set to the component's name to the portal.
            - id: slo-defined
              title: Has an SLO (alerting in place)
              level: Silver
              check: slo.defined
              params: { min: 1 }
              howToFix: Define an SLO on the SLOs tab, or add an openslo.yaml next to the descriptor (portal.dev/openslo).
            - id: dependencies-declared
              title: Dependencies declared
              level: Silver
              check: relation.present
              params: { relation: dependsOn }
              howToFix: List the databases, queues and services it depends on under spec.dependsOn.
            - id: slo-met
              title: SLOs met
              level: Gold
              check: slo.met
              howToFix: Bring the breached SLO back within its objective; its tab shows which alerts fire.
            - id: error-budget
              title: Error budget above 25 %
              level: Gold
              check: slo.budgetRemaining
              params: { minPercent: 25 }
              howToFix: Slow down risky changes until the error budget recovers.
            - id: cost-attributed
              title: Team cost attributed (80 %+)
              level: Gold
              check: cost.taggedShare
              params: { minPercent: 80, days: 30 }
              howToFix: Tag cloud resources with the component (see Cost, unallocated) so the team's cost is attributed.
            - id: within-budget
              title: Within its cost budget (cost limits)
              level: Gold
              check: cost.withinBudget
              params: { maxPercent: 100 }
              howToFix: Bring this month's spend under the budget or have it raised (Cost, budgets); without any budget for the component or its team, set one.
            - id: environments-compliant
              title: Environments comply with the policy (quotas, M7)
              level: Gold
              check: environment.compliant
              howToFix: On the environment's page, extend or delete one past its TTL, re-request one in a tier or region the policy allows, or free the team's quota.
        """;

    /// <summary>Name and YAML of each built-in scorecard.</summary>
    public static IReadOnlyList<(string Name, string Yaml)> All { get; } = [(PreProduction, PreProductionYaml), (ProductionReadiness, ProductionReadinessYaml)];
}
