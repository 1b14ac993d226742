namespace Portal.Web.Features.Slo;

/// <summary>An SLO with its figures, as the API returns it and the pages show it.</summary>
public sealed record SloView(Guid Id, string Name, string? DisplayName, string Component, string? Owner, string Indicator, decimal? ThresholdSeconds,
    decimal Target, SloWindowView Window, string BudgetingMethod, decimal? TimesliceTarget, long MinEvents, string Status, decimal? Sli, long GoodEvents,
    long TotalEvents, ErrorBudget ErrorBudget, IReadOnlyDictionary<string, decimal?> BurnRates, double? HoursToExhaustion, bool Estimated,
    IReadOnlyList<RuleState> Alerts)
{
    /// <summary>The metrics of a ratio SLI.</summary>
    public RatioIndicator? Ratio { get; init; }

    /// <summary>The burn-rate rules alerts are evaluated by (the default policy unless the SLO sets its own).</summary>
    public IReadOnlyList<AlertRuleRequest> AlertPolicy { get; init; } = [];

    /// <summary>The no-data condition's window in minutes; null: off.</summary>
    public int? NoDataMinutes { get; init; }
}

public sealed record SloWindowView(string Kind, int? Days, string? TimeZone, DateTimeOffset Start, DateTimeOffset End);
