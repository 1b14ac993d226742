using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;

namespace Portal.Web.Features.Incidents;

/// <summary>Reading on-call schedules: a team's schedule, who is on call now, and paging a layer for an incident.</summary>
public static class OnCallQueries
{
    /// <summary>The schedule that takes a team's incidents: the first of its schedules by name; null without owner or schedule.</summary>
    public static async Task<OnCallSchedule?> ScheduleOfAsync(PortalDbContext db, string? team, CancellationToken ct) =>
        team is null ? null : await db.Set<OnCallSchedule>().AsNoTracking().Where(s => s.Team == team).OrderBy(s => s.Name).FirstOrDefaultAsync(ct);

    /// <summary>Each team's schedule as <see cref="ScheduleOfAsync"/> picks it (the first by name), for many teams in one query.</summary>
    public static async Task<Dictionary<string, OnCallSchedule>> SchedulesOfAsync(PortalDbContext db, IEnumerable<string?> teams, CancellationToken ct)
    {
        var wanted = teams.OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        return wanted.Count == 0 ? new Dictionary<string, OnCallSchedule>()
            : (await db.Set<OnCallSchedule>().AsNoTracking().Where(s => wanted.Contains(s.Team)).OrderBy(s => s.Name).ToListAsync(ct))
                .GroupBy(s => s.Team, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
    }

    /// <summary>Pages a layer: the incident records who and when (the escalation clock), and the timeline says so.</summary>
    public static IncidentEvent Page(Incident incident, OnCallSchedule schedule, int level, DateTimeOffset at)
    {
        var layer = schedule.Layers[level];
        var (user, _) = OnCallRotation.OnCallAt(layer, at);
        incident.EscalationLevel = level;
        incident.OnCall = user;
        incident.PagedAt = at;
        var text = level == 0
            ? $"Paged {user}, on call in layer '{layer.Name}' of schedule {schedule.Name}."
            : $"Not acknowledged within {schedule.Layers[level - 1].EscalateAfterMinutes} minutes: escalated to layer '{layer.Name}' of schedule {schedule.Name}, paged {user}.";
        return new IncidentEvent { IncidentId = incident.Id, At = at, Kind = level == 0 ? "paged" : "escalated", Actor = "system", Text = text };
    }

    public static async Task<List<OnCallScheduleView>> ListAsync(PortalDbContext db, DateTimeOffset now, CancellationToken ct) =>
        (await db.Set<OnCallSchedule>().AsNoTracking().OrderBy(s => s.Team).ThenBy(s => s.Name).ToListAsync(ct)).Select(s => ToView(s, now)).ToList();

    public static OnCallScheduleView ToView(OnCallSchedule schedule, DateTimeOffset now) =>
        new(schedule.Name, schedule.Team, schedule.Layers, schedule.Layers.Select(l =>
        {
            var (user, until) = OnCallRotation.OnCallAt(l, now);
            return new OnCallNow(l.Name, user, until);
        }).ToList(), schedule.UpdatedAt, schedule.UpdatedBy);
}

/// <summary>A schedule with who is on call in each layer now.</summary>
public sealed record OnCallScheduleView(string Name, string Team, IReadOnlyList<OnCallLayer> Layers, IReadOnlyList<OnCallNow> Now, DateTimeOffset UpdatedAt,
    string UpdatedBy);

/// <summary>Who is on call in a layer, until the next handoff.</summary>
public sealed record OnCallNow(string Layer, string User, DateTimeOffset Until);
