using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;
using Portal.Web.Infrastructure.Extensions;

namespace Portal.Web.Features.Incidents;

/// <summary>
/// Turns alert changes into incidents (registered as an <see cref="IAlertListener"/>, so Slo knows nothing of incidents):
/// a firing page alert opens an incident, or joins the open one of the same component and SLO (deduplication); other
/// changes of that component and SLO (a ticket firing, an alert resolving) go on the open incident's timeline. A new
/// incident is routed to the receivers.
/// </summary>
public sealed class IncidentAlertListener(IDbContextFactory<PortalDbContext> dbFactory, IncidentNotifier notifier) : IAlertListener
{
    public async Task OnAlertsAsync(IReadOnlyList<AlertChange> changes, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var open = new Dictionary<(string, Guid), Incident>();
        var opened = new List<(Incident Incident, AlertChange Change)>();
        foreach (var change in changes)
        {
            var key = (change.ComponentRef, change.SloId);
            if (!open.TryGetValue(key, out var incident))
            {
                incident = await db.Set<Incident>().FirstOrDefaultAsync(
                    i => i.ComponentRef == change.ComponentRef && i.SloId == change.SloId && i.Status != IncidentLifecycle.Resolved, cancellationToken);
            }
            if (incident is null && change.Firing && change.Severity == "page")
            {
                incident = new Incident
                {
                    Title = $"{change.SloName} on {change.ComponentRef}", ComponentRef = change.ComponentRef, SloId = change.SloId, SloName = change.SloName,
                    Severity = change.Severity, Runbook = change.Runbook, TriggeredAt = change.At,
                };
                db.Add(incident);
                db.Add(new IncidentEvent { IncidentId = incident.Id, At = change.At, Kind = IncidentLifecycle.Triggered, Actor = "system",
                    Text = $"Opened by the {change.Rule} alert." });
                opened.Add((incident, change));
            }
            if (incident is null)
            {
                continue; // a ticket, or a resolve, with no incident open: the alert's own notification is enough
            }
            open[key] = incident;
            incident.Runbook ??= change.Runbook;
            db.Add(new IncidentEvent
            {
                IncidentId = incident.Id, At = change.At, Kind = change.Firing ? "alert.firing" : "alert.resolved", Actor = "system",
                Text = $"{(change.Firing ? "Firing" : "Resolved")}: {change.Rule} ({change.Severity}). {change.Explanation}",
            });
        }
        await db.SaveChangesAsync(cancellationToken);
        foreach (var (incident, change) in opened)
        {
            var owner = await CatalogReads.OwnerOfAsync(db, incident.ComponentRef, cancellationToken);
            await notifier.SendAsync(new IncidentMessage("trigger", incident, owner, change.Title, change.Explanation, change.Fields,
                notifier.Link($"/api/incidents/{incident.Id}")), cancellationToken);
        }
    }
}
