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
    long LongEvents, bool Firing, string Explanation);
