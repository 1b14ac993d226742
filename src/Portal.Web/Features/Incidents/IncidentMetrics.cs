namespace Portal.Web.Features.Incidents;

/// <summary>
/// The incident figures a platform is judged by: mean time to acknowledge (MTTA) and to resolve (MTTR) per team and per
/// service, incidents per week, and how many resolved incidents have their postmortem done. Pure; means over the
/// incidents that have the sample (an open incident has no time to resolve yet).
/// </summary>
public static class IncidentMetrics
{
    public static IncidentMetricsView Compute(IReadOnlyList<(Incident Incident, string? Team)> incidents, DateTimeOffset from, DateTimeOffset to)
    {
        ArgumentNullException.ThrowIfNull(incidents);
        var inRange = incidents.Where(i => i.Incident.TriggeredAt >= from && i.Incident.TriggeredAt < to).ToList();
        var resolved = inRange.Where(i => i.Incident.Status == IncidentLifecycle.Resolved).ToList();
        return new IncidentMetricsView(from, to, Figures("all", inRange.Select(i => i.Incident)),
            inRange.GroupBy(i => i.Team ?? "none").Select(g => Figures(g.Key, g.Select(i => i.Incident))).OrderBy(f => f.Key, StringComparer.Ordinal).ToList(),
            inRange.GroupBy(i => i.Incident.ComponentRef).Select(g => Figures(g.Key, g.Select(i => i.Incident))).OrderBy(f => f.Key, StringComparer.Ordinal).ToList(),
            inRange.GroupBy(i => WeekOf(i.Incident.TriggeredAt)).OrderBy(g => g.Key).Select(g => new IncidentWeek(g.Key, g.Count())).ToList(),
            resolved.Count == 0 ? null : (double)resolved.Count(i => i.Incident.ChecklistDone.Contains("postmortem")) / resolved.Count);
    }

    /// <summary>The Monday (UTC) of an instant's ISO week.</summary>
    public static DateOnly WeekOf(DateTimeOffset at)
    {
        var day = DateOnly.FromDateTime(at.UtcDateTime);
        return day.AddDays(-(((int)day.DayOfWeek + 6) % 7));
    }

    private static IncidentFigures Figures(string key, IEnumerable<Incident> incidents)
    {
        var list = incidents.ToList();
        return new IncidentFigures(key, list.Count, Mean(list.Select(i => i.SecondsToAcknowledge)), Mean(list.Select(i => i.SecondsToResolve)));
    }

    private static double? Mean(IEnumerable<long?> samples)
    {
        var values = samples.Where(s => s is not null).Select(s => (double)s!.Value).ToList();
        return values.Count == 0 ? null : Math.Round(values.Average(), 1);
    }
}

/// <summary>Incident figures over a range: all, per team, per service (component), per week, and the postmortem completion rate (0-1, null without resolved incidents).</summary>
public sealed record IncidentMetricsView(DateTimeOffset From, DateTimeOffset To, IncidentFigures All, IReadOnlyList<IncidentFigures> Teams,
    IReadOnlyList<IncidentFigures> Services, IReadOnlyList<IncidentWeek> Weeks, double? PostmortemCompletion);

/// <summary>How many incidents, and their MTTA and MTTR in seconds (null without samples).</summary>
public sealed record IncidentFigures(string Key, int Incidents, double? MttaSeconds, double? MttrSeconds);

/// <summary>Incidents opened in the ISO week starting that Monday.</summary>
public sealed record IncidentWeek(DateOnly Week, int Incidents);
