namespace Portal.Web.Infrastructure.Extensions;

/// <summary>
/// An alert that fired or resolved, as the feature that evaluates alerts (Slo) reports it to the listeners other
/// features register (Incidents), so neither reads the other's tables.
/// </summary>
/// <param name="Event"><c>slo.alert.firing</c> or <c>slo.alert.resolved</c>.</param>
/// <param name="Rule">The rule's key, e.g. <c>page-1h-5m</c> or <c>no-data-30m</c>.</param>
/// <param name="Severity"><c>page</c> or <c>ticket</c>.</param>
/// <param name="Runbook">The component's runbook link, when its catalog entry has one.</param>
/// <param name="Fields">The figures the notification carries (burn rates, threshold, budget remaining).</param>
public sealed record AlertChange(string Event, Guid AlertId, Guid SloId, string SloName, string ComponentRef, string Rule, string Severity,
    string Title, string Explanation, string? Runbook, IReadOnlyDictionary<string, string> Fields, DateTimeOffset At)
{
    public bool Firing => Event == "slo.alert.firing";

    /// <summary>Inside a maintenance window (see <see cref="IAlertSuppressor"/>): recorded, never routed, opens no incident.</summary>
    public bool Suppressed { get; init; }
}

/// <summary>Told about alert changes after they are saved, in the evaluating job; a failing listener is logged, never fails the job.</summary>
public interface IAlertListener
{
    Task OnAlertsAsync(IReadOnlyList<AlertChange> changes, CancellationToken cancellationToken);
}
