namespace Portal.Web.Infrastructure.Extensions;

/// <summary>
/// Told by Incidents when incidents opened or were restored (mitigated or resolved), after they are saved (all an alert
/// cycle opened at once), with each one's component and opening time,
/// so a feature that keeps figures from incidents (Delivery's per-day rollup of change failures and restores) updates
/// them without Incidents knowing it. A failing listener is logged and never fails the incident change.
/// </summary>
public interface IIncidentListener
{
    Task OnIncidentsChangedAsync(IReadOnlyCollection<(string ComponentRef, DateTimeOffset OpenedAt)> incidents, CancellationToken cancellationToken);
}
