using Hangfire;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;

namespace Portal.Web.Features.Incidents;

/// <summary>
/// Escalates incidents nobody acknowledged (recurring job <see cref="RecurringId"/>, every minute): when the paged layer's
/// delay has passed, the next layer of the owning team's schedule is paged and the receivers hear of it. Idempotent: a
/// run records the page's time, so a second run in the same minute finds nothing due. Incidents in a maintenance window wait.
/// </summary>
public sealed class IncidentEscalationJob(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time, IncidentNotifier notifier)
{
    public const string RecurringId = "incident-escalation";

    /// <summary>Escalates what is due; returns how many incidents were escalated.</summary>
    [AutomaticRetry(Attempts = 0)]
    [DisableConcurrentExecution(60)]
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var waiting = await db.Set<Incident>().Where(i => i.Status == IncidentLifecycle.Triggered && i.PagedAt != null).ToListAsync(cancellationToken);
        if (waiting.Count == 0)
        {
            return 0;
        }
        var owners = await IncidentQueries.OwnersAsync(db, waiting.Select(i => i.ComponentRef), cancellationToken);
        var teams = owners.Values.OfType<string>().Distinct().ToList();
        var schedules = (await db.Set<OnCallSchedule>().AsNoTracking().Where(s => teams.Contains(s.Team)).OrderBy(s => s.Name).ToListAsync(cancellationToken))
            .GroupBy(s => s.Team).ToDictionary(g => g.Key, g => g.First());
        var quiet = await MaintenanceSuppressor.CoveredAsync(db, waiting.Select(i => i.ComponentRef).ToList(), now, cancellationToken);
        var escalated = new List<(Incident, string?)>();
        foreach (var incident in waiting)
        {
            var owner = owners.GetValueOrDefault(incident.ComponentRef);
            if (owner is null || !schedules.TryGetValue(owner, out var schedule) || quiet.Contains(incident.ComponentRef)
                || OnCallRotation.EscalationDue(incident.Status, incident.EscalationLevel, incident.PagedAt, schedule.Layers, now) is not { } next)
            {
                continue;
            }
            db.Add(OnCallQueries.Page(incident, schedule, next, now));
            escalated.Add((incident, owner));
        }
        await db.SaveChangesAsync(cancellationToken);
        foreach (var (incident, owner) in escalated)
        {
            await notifier.SendAsync(new IncidentMessage("escalate", incident, owner, incident.Title, null, new Dictionary<string, string>(),
                notifier.Link($"/incidents/{incident.Id}")), cancellationToken);
        }
        return escalated.Count;
    }
}
