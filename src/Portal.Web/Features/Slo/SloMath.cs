namespace Portal.Web.Features.Slo;

/// <summary>
/// The SLO arithmetic of the SRE Workbook, in decimals so thresholds compare exactly (a burn of exactly 14.4 does
/// not fire a "> 14.4" rule). Windows are the last N whole minutes ending with the evaluation minute, inclusive.
/// A window with no events has no SLI and no burn rate (null: "no data"), never 100 % or 0 %.
/// </summary>
public static class SloMath
{
    public static readonly IReadOnlyList<(string Name, TimeSpan Window)> BurnWindows =
    [
        ("5m", TimeSpan.FromMinutes(5)), ("30m", TimeSpan.FromMinutes(30)), ("1h", TimeSpan.FromHours(1)), ("2h", TimeSpan.FromHours(2)),
        ("6h", TimeSpan.FromHours(6)), ("1d", TimeSpan.FromDays(1)), ("3d", TimeSpan.FromDays(3)),
    ];

    /// <summary>The SRE Workbook's default policy (page 2 % / 1 h, 5 % / 6 h; ticket 10 % / 1 d, 10 % / 3 d).</summary>
    public static readonly IReadOnlyList<BurnRateRule> DefaultRules =
    [
        new("page", TimeSpan.FromHours(1), TimeSpan.FromMinutes(5), 0.02m),
        new("page", TimeSpan.FromHours(6), TimeSpan.FromMinutes(30), 0.05m),
        new("ticket", TimeSpan.FromDays(1), TimeSpan.FromHours(2), 0.10m),
        new("ticket", TimeSpan.FromDays(3), TimeSpan.FromHours(6), 0.10m),
    ];

    public static DateTimeOffset MinuteOf(DateTimeOffset at) => new(at.Year, at.Month, at.Day, at.Hour, at.Minute, 0, TimeSpan.Zero);

    /// <summary>Sums the minutes in (end - window, end], end being the evaluation minute.</summary>
    public static (long Good, long Total) Sum(IReadOnlyList<MinuteCounts> minutes, DateTimeOffset end, TimeSpan window)
    {
        var first = end - window + TimeSpan.FromMinutes(1);
        long good = 0, total = 0;
        foreach (var m in minutes)
        {
            if (m.Minute >= first && m.Minute <= end)
            {
                good += m.Good;
                total += m.Total;
            }
        }
        return (good, total);
    }

    /// <summary>Burn rate = error ratio / error budget; null without events.</summary>
    public static decimal? BurnRate(long good, long total, decimal target) =>
        total == 0 ? null : (decimal)(total - good) / total / (1 - target);

    /// <summary>Whether bad/total/(1 - target) &gt; factor, decided exactly: bad &gt; factor x (1 - target) x total.</summary>
    public static bool Exceeds(long good, long total, decimal target, decimal factor) =>
        total > 0 && total - good > factor * (1 - target) * total;

    /// <summary>The figures from minutes (the editor's preview on RED rows, and tests): every window summed from the list.</summary>
    public static SloFigures Compute(IReadOnlyList<MinuteCounts> minutes, DateTimeOffset evaluatedAt, decimal target, TimeSpan period,
        IReadOnlyList<BurnRateRule> rules, long minEvents)
    {
        var end = MinuteOf(evaluatedAt);
        return Compute(window => Sum(minutes, end, window), Sum(minutes, end, period), target, period, rules, minEvents, null);
    }

    /// <summary>
    /// The figures from window sums: <paramref name="trailing"/> gives the events of the last N minutes (each burn
    /// window, each rule's windows), <paramref name="periodSums"/> those of the SLO's period (rolling, or the calendar
    /// month so far).
    /// </summary>
    public static SloFigures Compute(Func<TimeSpan, (long Good, long Total)> trailing, (long Good, long Total) periodSums, decimal target, TimeSpan period,
        IReadOnlyList<BurnRateRule> rules, long minEvents, int? noDataMinutes)
    {
        var (good, total) = periodSums;
        var bad = total - good;
        var allowed = (1 - target) * total;
        var budget = new ErrorBudget(
            allowed,
            bad,
            total == 0 ? null : 1 - (decimal)bad / total / (1 - target),
            allowed - bad,
            allowed == 0 ? null : bad / allowed);
        var burnRates = new Dictionary<string, decimal?>(StringComparer.Ordinal);
        foreach (var (name, window) in BurnWindows)
        {
            var (g, t) = trailing(window);
            burnRates[name] = BurnRate(g, t, target);
        }
        burnRates["period"] = BurnRate(good, total, target);
        TimeSpan? exhaustion = budget.Remaining is { } remaining && burnRates["1h"] is { } hourly && hourly > 0
            ? remaining <= 0 ? TimeSpan.Zero : TimeSpan.FromMinutes((double)(remaining * (decimal)period.TotalMinutes / hourly))
            : null;
        var states = rules.Select(rule => Evaluate(rule, trailing(rule.LongWindow), trailing(rule.ShortWindow), target, period, minEvents)).ToList();
        if (noDataMinutes is { } silence)
        {
            states.Add(NoData(TimeSpan.FromMinutes(silence), trailing(TimeSpan.FromMinutes(silence)).Total));
        }
        return new SloFigures(total == 0 ? null : (decimal)good / total, good, total, budget, burnRates, exhaustion, states);
    }

    public static RuleState Evaluate(BurnRateRule rule, (long Good, long Total) longSums, (long Good, long Total) shortSums, decimal target, TimeSpan period,
        long minEvents)
    {
        var factor = rule.Factor(period);
        var (lg, lt) = longSums;
        var (sg, st) = shortSums;
        var longBurn = BurnRate(lg, lt, target);
        var shortBurn = BurnRate(sg, st, target);
        var enough = lt >= minEvents;
        var firing = enough && Exceeds(lg, lt, target, factor) && Exceeds(sg, st, target, factor);
        var explanation = !enough
            ? $"Not evaluated: {lt} events in the last {Name(rule.LongWindow)}, fewer than the minimum of {minEvents} (low traffic)."
            : lt == 0 ? $"No traffic in the last {Name(rule.LongWindow)}: no burn rate, nothing to alert on."
            : string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"Burn rate {Format(longBurn)} over {Name(rule.LongWindow)} and {Format(shortBurn)} over {Name(rule.ShortWindow)} against {factor:0.##}: ")
              + (firing ? string.Create(System.Globalization.CultureInfo.InvariantCulture,
                  $"both above, spending {rule.BudgetShare * 100:0.#} % of the budget in {Name(rule.LongWindow)} at this pace.") : "not both above.");
        return new RuleState(rule.Severity, Name(rule.LongWindow), Name(rule.ShortWindow), factor, longBurn, shortBurn, lt, firing, explanation);
    }

    /// <summary>The no-data condition (Prometheus' <c>absent()</c>): a ticket when the window had no events at all.</summary>
    public static RuleState NoData(TimeSpan window, long events)
    {
        var name = Name(window);
        var explanation = events == 0
            ? $"No events in the last {name}: the service may have stopped sending metrics, or stopped serving."
            : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{events:#,0} events in the last {name}: data is arriving.");
        return new RuleState("ticket", name, name, 0, null, null, events, events == 0, explanation) { Kind = RuleKinds.NoData };
    }

    public static string Name(TimeSpan window) => window.TotalDays >= 1 && window.TotalDays == Math.Floor(window.TotalDays) ? $"{window.TotalDays:0}d"
        : window.TotalHours >= 1 && window.TotalHours == Math.Floor(window.TotalHours) ? $"{window.TotalHours:0}h" : $"{window.TotalMinutes:0}m";

    private static string Format(decimal? burn) => burn is { } b ? b.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture) : "no data";
}
