namespace Portal.Web.Infrastructure.Extensions;

/// <summary>
/// Told by Incidents when an incident of a component opened or was restored (mitigated or resolved), after it is saved,
/// so a feature that keeps figures from incidents (Delivery's per-day rollup of change failures and restores) updates
/// them without Incidents knowing it. A failing listener is logged and never fails the incident change.
/// </summary>
public interface IIncidentListener
{
    Task OnIncidentChangedAsync(string componentRef, DateTimeOffset openedAt, CancellationToken cancellationToken);
}
