namespace Portal.Web.Features.Slo;

public sealed record SloFigures(
    decimal? Sli,
    long GoodEvents,
    long TotalEvents,
    ErrorBudget ErrorBudget,
    IReadOnlyDictionary<string, decimal?> BurnRates,
    TimeSpan? TimeToExhaustion,
    IReadOnlyList<RuleState> Rules);

public sealed record ErrorBudget(decimal AllowedBadEvents, long BadEvents, decimal? Remaining, decimal RemainingEvents, decimal? Consumed);

public sealed record RuleState(string Severity, string LongWindow, string ShortWindow, decimal Factor, decimal? LongBurn, decimal? ShortBurn,
    long LongEvents, bool Firing, string Explanation)
{
    /// <summary><see cref="RuleKinds.BurnRate"/>, or <see cref="RuleKinds.NoData"/> (the window had no events).</summary>
    public string Kind { get; init; } = RuleKinds.BurnRate;

    /// <summary>The alert episode's rule key: "page-1h-5m", "no-data-30m".</summary>
    public string Key => Kind == RuleKinds.NoData ? $"{RuleKinds.NoData}-{LongWindow}" : $"{Severity}-{LongWindow}-{ShortWindow}";
}

public static class RuleKinds
{
    public const string BurnRate = "burn-rate";
    public const string NoData = "no-data";
}
