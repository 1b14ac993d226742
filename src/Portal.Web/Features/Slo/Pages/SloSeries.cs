using System.Globalization;
using MudBlazor;
using Portal.Web.Features.Slo.Ingestion;

namespace Portal.Web.Features.Slo.Pages;

/// <summary>One step of an SLO's history: its events, its SLI, and the budget left of the events so far in the window.</summary>
public sealed record SloStep(DateTimeOffset At, long Good, long Total, decimal? Sli, decimal? BudgetRemaining);

/// <summary>One step of a component's RED series (requests, errors, duration).</summary>
public sealed record RedStep(DateTimeOffset At, long Requests, long Errors, double? ErrorRatio, double? MeanSeconds);

/// <summary>Chart-ready series, grouped the way the /api/slos/{id}/series and RED endpoints group minutes.</summary>
public static class SloSeries
{
    private const int MinPoints = 24;

    private static readonly TimeSpan[] NiceSteps =
    [
        TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(30),
        TimeSpan.FromHours(1), TimeSpan.FromHours(6),
    ];

    /// <summary>One hour for windows of up to 7 days, six hours for longer ones.</summary>
    public static TimeSpan PreferredStep(TimeSpan period) => period <= TimeSpan.FromDays(7) ? TimeSpan.FromHours(1) : TimeSpan.FromHours(6);

    /// <summary>The preferred step, or a finer one when the data covers too little of the window for a readable line.</summary>
    public static TimeSpan StepFor(TimeSpan span, TimeSpan preferred)
    {
        if (span.TotalMinutes / preferred.TotalMinutes >= MinPoints)
        {
            return preferred;
        }
        foreach (var step in NiceSteps.Reverse())
        {
            if (step <= preferred && span.TotalMinutes / step.TotalMinutes >= MinPoints)
            {
                return step;
            }
        }
        return NiceSteps[0];
    }

    /// <summary>
    /// The SLO's steps from its first data in the window to <paramref name="end"/>: each step's SLI, and the budget
    /// remaining of all events from the window start to that step (the burn-down). Steps without events have no SLI.
    /// </summary>
    public static (List<SloStep> Steps, TimeSpan Step) Sli(IReadOnlyList<MinuteCounts> minutes, DateTimeOffset windowStart, DateTimeOffset end,
        TimeSpan period, decimal target)
    {
        var inWindow = minutes.Where(m => m.Minute >= windowStart && m.Minute <= end && m.Total > 0).OrderBy(m => m.Minute).ToList();
        if (inWindow.Count == 0)
        {
            return ([], PreferredStep(period));
        }
        var step = StepFor(end - inWindow[0].Minute + TimeSpan.FromMinutes(1), PreferredStep(period));
        var from = Floor(inWindow[0].Minute, windowStart, step);
        var byStep = inWindow.GroupBy(m => Floor(m.Minute, windowStart, step)).ToDictionary(g => g.Key, g => (Good: g.Sum(m => m.Good), Total: g.Sum(m => m.Total)));
        var steps = new List<SloStep>();
        long runningGood = 0, runningTotal = 0;
        for (var at = from; at <= end; at += step)
        {
            var (good, total) = byStep.GetValueOrDefault(at);
            runningGood += good;
            runningTotal += total;
            steps.Add(new SloStep(at, good, total, total == 0 ? null : (decimal)good / total,
                runningTotal == 0 ? null : 1 - (decimal)(runningTotal - runningGood) / runningTotal / (1 - target)));
        }
        return (steps, step);
    }

    /// <summary>RED steps of the last 24 hours (or from the first minute with data, when that is later).</summary>
    public static (List<RedStep> Steps, TimeSpan Step) Red(IReadOnlyList<ServiceMinute> rows, DateTimeOffset from, DateTimeOffset end)
    {
        var inRange = rows.Where(r => r.Minute >= from && r.Minute <= end).OrderBy(r => r.Minute).ToList();
        if (inRange.Count == 0)
        {
            return ([], TimeSpan.FromMinutes(15));
        }
        var step = StepFor(end - inRange[0].Minute + TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(15));
        var first = Floor(inRange[0].Minute, from, step);
        var byStep = inRange.GroupBy(r => Floor(r.Minute, from, step)).ToDictionary(g => g.Key, g => g.ToList());
        var steps = new List<RedStep>();
        for (var at = first; at <= end; at += step)
        {
            var group = byStep.GetValueOrDefault(at) ?? [];
            var requests = group.Sum(m => m.Requests);
            var errors = group.Sum(m => m.Errors);
            steps.Add(new RedStep(at, requests, errors, requests == 0 ? null : (double)errors / requests,
                requests == 0 ? null : group.Sum(m => m.DurationSum) / requests));
        }
        return (steps, step);
    }

    /// <summary>Every step's time, for a chart's tooltips and its figures table (the axis shows about eight of them).</summary>
    public static string[] AllLabels(IReadOnlyList<DateTimeOffset> times)
    {
        if (times.Count == 0)
        {
            return [];
        }
        var span = times[^1] - times[0];
        var format = span <= TimeSpan.FromDays(1) ? "HH:mm" : "MM-dd HH:mm";
        return times.Select(t => t.UtcDateTime.ToString(format, CultureInfo.InvariantCulture)).ToArray();
    }

    public static ChartSeries<double> Series(string name, IEnumerable<double?> values) =>
        new() { Name = name, Data = new ChartData<double>(values.ToList()) };

    public static string StepName(TimeSpan step) => SloMath.Name(step);

    private static DateTimeOffset Floor(DateTimeOffset minute, DateTimeOffset origin, TimeSpan step) =>
        origin.AddMinutes(Math.Floor((minute - origin).TotalMinutes / step.TotalMinutes) * step.TotalMinutes);
}
