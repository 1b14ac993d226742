namespace Portal.Web.Features.Scorecards;

/// <summary>
/// Everything the rules may look at for one entity, gathered from the other features' read surfaces by
/// <see cref="ScorecardSignals"/>. A null signal means the portal does not know it (not loaded, no data source):
/// rules on it answer "no data", never a silent pass.
/// </summary>
public sealed record EntitySignals
{
    public required string Ref { get; init; }
    public required string Kind { get; init; }
    public string? Type { get; init; }
    public string? Lifecycle { get; init; }

    /// <summary>The owner as a full lower-case ref (<c>group:default/payments</c>).</summary>
    public string? Owner { get; init; }

    /// <summary>Whether <see cref="Owner"/> names a Group entity that exists in the catalog.</summary>
    public bool OwnerIsTeam { get; init; }
    public string? System { get; init; }
    public string? Title { get; init; }
    public string? Description { get; init; }
    public IReadOnlyList<string> Tags { get; init; } = [];
    public IReadOnlyDictionary<string, string> Annotations { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<EntityLink> Links { get; init; } = [];

    /// <summary>Outgoing relations by type (<c>providesApi</c>, <c>dependsOn</c>, …) and how many.</summary>
    public IReadOnlyDictionary<string, int> Relations { get; init; } = new Dictionary<string, int>();

    /// <summary>The entity's SLOs (empty: none defined); null when SLO data was not available.</summary>
    public IReadOnlyList<SloSignal>? Slos { get; init; }

    /// <summary>Whether the telemetry signal was available at all; <see cref="TelemetryLastSeen"/> null then means never.</summary>
    public bool TelemetryKnown { get; init; }
    public DateTimeOffset? TelemetryLastSeen { get; init; }

    /// <summary>The owner team's cost per window length in days: total and the part attributed to a component; a window missing: no cost data.</summary>
    public IReadOnlyDictionary<int, CostShare> TeamCost { get; init; } = new Dictionary<int, CostShare>();

    /// <summary>Whether budgets were loaded; <see cref="Budget"/> null then means neither the component nor its owner team has a budget.</summary>
    public bool BudgetKnown { get; init; }
    public BudgetSignal? Budget { get; init; }

    /// <summary>The entity's existing environments and how each breaks the environment policy; null when not loaded.</summary>
    public IReadOnlyList<ComplianceSignal>? EnvironmentCompliance { get; init; }

    /// <summary>Whether scaffolder runs were loaded; <see cref="Template"/> null then means no run made the entity.</summary>
    public bool TemplateKnown { get; init; }
    public TemplateSignal? Template { get; init; }

    /// <summary>The entity's environments made through the portal that are not deleted; null when not available.</summary>
    public IReadOnlyList<EnvironmentSignal>? Environments { get; init; }

    /// <summary>
    /// The component's delivery per window length in days; null when it never sent a delivery event (or no delivery rule
    /// needed it): whether it deploys is then unknown, not zero.
    /// </summary>
    public IReadOnlyDictionary<int, DeliveryWindow>? Delivery { get; init; }

    /// <summary>Whether the owner team has an on-call schedule with someone in it; null when not loaded.</summary>
    public bool? TeamOnCall { get; init; }

    /// <summary>Whether the owner team's incidents reach a receiver; null when the routing is not known to this evaluation.</summary>
    public bool? TeamRouted { get; init; }
}

/// <summary>A link of the descriptor's <c>metadata.links</c>.</summary>
public sealed record EntityLink(string Url, string? Title, string? Type, string? Icon);

/// <summary>An SLO as scorecards see it: its status (ok, warning, breached, no-data) and the share of error budget left (null without data).</summary>
public sealed record SloSignal(string Name, string Status, decimal? BudgetRemaining);

/// <summary>A team's cost over a window: all of it, and the part attributed to a component (tagged).</summary>
public sealed record CostShare(decimal Total, decimal Attributed);

/// <summary>A component's delivery over a window: successful production deployments, and builds that succeeded or failed.</summary>
public sealed record DeliveryWindow(int Deployments, int BuildsSucceeded, int BuildsFailed);

/// <summary>
/// The budget that applies to a component (<see cref="Scope"/> <c>component</c>: its own; <c>team</c>: its owner team's) and
/// what was spent against it in the budget month starting <see cref="Period"/>.
/// </summary>
public sealed record BudgetSignal(string Scope, decimal Spent, decimal Amount, string Currency, DateOnly Period);

/// <summary>An existing environment of the entity and how it breaks the environment policy (empty: compliant).</summary>
public sealed record ComplianceSignal(string Name, IReadOnlyList<string> Problems);

/// <summary>The scaffolder run that made the entity: its template, when, and whether that template is still in the catalog and unchanged.</summary>
public sealed record TemplateSignal(string TemplateRef, DateTimeOffset CreatedAt, bool TemplateExists, bool Current, DateTimeOffset? NewerSince);

/// <summary>An environment of the entity: its tier and status.</summary>
public sealed record EnvironmentSignal(string Name, string Tier, string Status);
