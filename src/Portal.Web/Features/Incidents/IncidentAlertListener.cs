using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;
using Portal.Web.Infrastructure.Extensions;

namespace Portal.Web.Features.Incidents;

/// <summary>
/// Turns alert changes into incidents (registered as an <see cref="IAlertListener"/>, so Slo knows nothing of incidents):
/// a firing page alert opens an incident, or joins the open one of the same component and SLO (deduplication); other
/// changes of that component and SLO (a ticket firing, an alert resolving) go on the open incident's timeline. A new
/// incident records who depends on the component, pages the first layer of the owning team's on-call schedule and is
/// routed to the receivers. Alerts inside a maintenance window open nothing and route nothing.
/// </summary>
public sealed class IncidentAlertListener(IDbContextFactory<PortalDbContext> dbFactory, IncidentNotifier notifier) : IAlertListener
{
    /// <summary>How far the dependents are followed through the catalog graph, and how many are kept.</summary>
    private const int DependentDepth = 3, MaxDependents = 50;

    public async Task OnAlertsAsync(IReadOnlyList<AlertChange> changes, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var open = new Dictionary<(string, Guid), Incident>();
        var opened = new List<(Incident Incident, string? Owner, AlertChange Change)>();
        foreach (var change in changes)
        {
            var key = (change.ComponentRef, change.SloId);
            if (!open.TryGetValue(key, out var incident))
            {
                incident = await db.Set<Incident>().FirstOrDefaultAsync(
                    i => i.ComponentRef == change.ComponentRef && i.SloId == change.SloId && i.Status != IncidentLifecycle.Resolved, cancellationToken);
            }
            if (incident is null && change.Firing && change.Severity == "page" && !change.Suppressed)
            {
                var owner = await CatalogReads.OwnerOfAsync(db, change.ComponentRef, cancellationToken);
                incident = new Incident
                {
                    Title = $"{change.SloName} on {change.ComponentRef}", ComponentRef = change.ComponentRef, SloId = change.SloId, SloName = change.SloName,
                    Severity = change.Severity, Runbook = change.Runbook, TriggeredAt = change.At,
                    Dependents = (await CatalogReads.DependentsAsync(db, change.ComponentRef, DependentDepth, MaxDependents, cancellationToken)).ToList(),
                };
                db.Add(incident);
                db.Add(new IncidentEvent { IncidentId = incident.Id, At = change.At, Kind = IncidentLifecycle.Triggered, Actor = "system",
                    Text = $"Opened by the {change.Rule} alert." + (incident.Dependents.Count == 0 ? "" : $" Dependents: {string.Join(", ", incident.Dependents)}.") });
                if (await OnCallQueries.ScheduleOfAsync(db, owner, cancellationToken) is { } schedule)
                {
                    db.Add(OnCallQueries.Page(incident, schedule, 0, change.At));
                }
                opened.Add((incident, owner, change));
            }
            if (incident is null)
            {
                continue; // a ticket, a resolve, or an alert in maintenance, with no incident open: the alert's own record is enough
            }
            open[key] = incident;
            incident.Runbook ??= change.Runbook;
            db.Add(new IncidentEvent
            {
                IncidentId = incident.Id, At = change.At, Kind = change.Firing ? "alert.firing" : "alert.resolved", Actor = "system",
                Text = $"{(change.Firing ? "Firing" : "Resolved")}: {change.Rule} ({change.Severity}). {change.Explanation}"
                    + (change.Suppressed ? " (In a maintenance window: not routed.)" : ""),
            });
        }
        await db.SaveChangesAsync(cancellationToken);
        foreach (var (incident, owner, change) in opened)
        {
            await notifier.SendAsync(new IncidentMessage("trigger", incident, owner, change.Title, change.Explanation, change.Fields,
                notifier.Link($"/incidents/{incident.Id}")), cancellationToken);
        }
    }
}
