using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;
using Microsoft.Extensions.Options;
using Portal.Web.Infrastructure.Extensions;

namespace Portal.Web.Features.Incidents;

/// <summary>
/// Turns alert changes into incidents (registered as an <see cref="IAlertListener"/>, so Slo knows nothing of incidents):
/// a firing page alert opens an incident, or joins the open one of the same component and SLO (deduplication); a firing
/// ticket alert does the same, at ticket severity and paging nobody, when a route says so (<see cref="IncidentReceiver.OpenIncident"/>),
/// and a page alert raises an open ticket incident to page (one <c>raise</c> message, not a second opening, and the
/// on-call's first page); other changes of that component and SLO (an alert
/// resolving) go on the open incident's timeline. A new
/// incident records who depends on the component, pages the first layer of the owning team's on-call schedule and is
/// routed to the receivers. Alerts inside a maintenance window open nothing and route nothing.
/// </summary>
public sealed class IncidentAlertListener(IDbContextFactory<PortalDbContext> dbFactory, IncidentNotifier notifier, IOptions<IncidentsOptions> options) : IAlertListener
{
    /// <summary>How far the dependents are followed through the catalog graph, and how many are kept.</summary>
    private const int DependentDepth = 3, MaxDependents = 50;

    /// <summary>How many new incidents are sent to the receivers at once.</summary>
    private const int ParallelSends = 8;

    public async Task OnAlertsAsync(IReadOnlyList<AlertChange> changes, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // What the changes need, each in one query (a bad minute can change thousands of alerts): the open incidents of
        // the changed components, and for those that may open one, their owners and the owners' schedules.
        var components = changes.Select(c => c.ComponentRef).Distinct(StringComparer.Ordinal).ToList();
        var open = (await db.Set<Incident>().Where(i => components.Contains(i.ComponentRef) && i.Status != IncidentLifecycle.Resolved).ToListAsync(cancellationToken))
            .GroupBy(i => (i.ComponentRef, i.SloId)).ToDictionary(g => g.Key, g => g.First());
        var ticketsMayOpen = options.Value.Receivers.Any(r => r.OpenIncident);
        var opening = changes.Where(c => c.Firing && !c.Suppressed && (c.Severity == "page" || ticketsMayOpen)
                && (open.GetValueOrDefault((c.ComponentRef, c.SloId)) is not { } o || (o.Severity == "ticket" && c.Severity == "page")))
            .Select(c => c.ComponentRef).Distinct(StringComparer.Ordinal).ToList();
        var owners = opening.Count == 0 ? new Dictionary<string, string?>() : await IncidentQueries.OwnersAsync(db, opening, cancellationToken);
        var schedules = await OnCallQueries.SchedulesOfAsync(db, owners.Values, cancellationToken);
        // Titles name the component as people do (its title, else its name); the ref stays in ComponentRef.
        var names = opening.Count == 0 ? new Dictionary<string, string>() : await CatalogReads.DisplayNamesAsync(db, opening, cancellationToken);
        var dependents = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var opened = new List<(Incident Incident, string? Owner, AlertChange Change)>();
        var raised = new List<(Incident Incident, string? Owner, AlertChange Change)>();
        foreach (var change in changes)
        {
            var key = (change.ComponentRef, change.SloId);
            var incident = open.GetValueOrDefault(key);
            var owner = owners.GetValueOrDefault(change.ComponentRef);
            if (incident is null && change.Firing && !change.Suppressed && options.Value.OpensIncident(owner, change.Severity))
            {
                if (!dependents.TryGetValue(change.ComponentRef, out var dependentRefs))
                {
                    dependents[change.ComponentRef] = dependentRefs =
                        [.. await CatalogReads.DependentsAsync(db, change.ComponentRef, DependentDepth, MaxDependents, cancellationToken)];
                }
                incident = new Incident
                {
                    Title = $"{change.SloName} on {names.GetValueOrDefault(change.ComponentRef.ToLowerInvariant()) ?? Pages.IncidentFormat.NameOf(change.ComponentRef)}", ComponentRef = change.ComponentRef, SloId = change.SloId, SloName = change.SloName,
                    Severity = change.Severity, Runbook = change.Runbook, TriggeredAt = change.At, Dependents = [.. dependentRefs],
                };
                db.Add(incident);
                db.Add(new IncidentEvent { IncidentId = incident.Id, At = change.At, Kind = IncidentLifecycle.Triggered, Actor = "system",
                    Text = $"Opened by the {change.Rule} alert." + (incident.Dependents.Count == 0 ? "" : $" Dependents: {string.Join(", ", incident.Dependents)}.") });
                // A ticket waits for working hours: it pages nobody (and so never escalates).
                if (change.Severity == "page" && owner is not null && schedules.GetValueOrDefault(owner) is { } schedule)
                {
                    db.Add(OnCallQueries.Page(incident, schedule, 0, change.At));
                }
                opened.Add((incident, owner, change));
            }
            if (incident is null)
            {
                continue; // a ticket, a resolve, or an alert in maintenance, with no incident open: the alert's own record is enough
            }
            if (incident.Severity == "ticket" && change.Firing && change.Severity == "page" && !change.Suppressed)
            {
                // The same SLO now burns fast enough to page: the ticket incident becomes a page one and the on-call is paged.
                incident.Severity = "page";
                db.Add(new IncidentEvent { IncidentId = incident.Id, At = change.At, Kind = "severity", Actor = "system",
                    Text = $"Raised from ticket to page by the {change.Rule} alert." });
                if (incident.PagedAt is null && owner is not null && schedules.GetValueOrDefault(owner) is { } schedule)
                {
                    db.Add(OnCallQueries.Page(incident, schedule, 0, change.At));
                }
                // Opened in this same batch: its one opening message goes out at page severity, in the page alert's words.
                // Otherwise the receivers already had the opening, so they get the raise (a severity change), not a second "opened".
                var openedNow = opened.FindIndex(o => ReferenceEquals(o.Incident, incident));
                if (openedNow >= 0)
                {
                    opened[openedNow] = (incident, owner, change);
                }
                else
                {
                    raised.Add((incident, owner, change));
                }
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
        await notifier.ChangedAsync([.. opened.Select(o => o.Incident)], cancellationToken); // opened: Delivery's change failure rate
        // Several incidents at a time: one after the other, the receivers' round trips per incident would bound the cycle.
        var messages = opened.Select(o => (Action: "trigger", o.Incident, o.Owner, o.Change)).Concat(raised.Select(o => (Action: "raise", o.Incident, o.Owner, o.Change)));
        await Parallel.ForEachAsync(messages, new ParallelOptions { MaxDegreeOfParallelism = ParallelSends, CancellationToken = cancellationToken },
            async (m, ct) => await notifier.SendAsync(new IncidentMessage(m.Action, m.Incident, m.Owner, m.Change.Title, m.Change.Explanation, m.Change.Fields,
                notifier.Link($"/incidents/{m.Incident.Id}")), ct));
    }
}
