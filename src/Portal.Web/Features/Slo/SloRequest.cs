namespace Portal.Web.Features.Slo;

public sealed record SloRequest(string? Name, string? DisplayName, string? Component, string? Indicator, decimal? ThresholdSeconds, decimal? Target,
    SloWindowRequest? Window, string? BudgetingMethod, decimal? TimesliceTarget, long? MinEvents, RatioIndicator? Ratio = null,
    IReadOnlyList<AlertRuleRequest>? AlertPolicy = null, int? NoDataMinutes = null);

public sealed record SloWindowRequest(string? Kind, int? Days, string? TimeZone);

/// <summary>One burn-rate rule as the API takes it: windows as durations ("5m", "1h", "3d"), the budget share it guards (0.02 = 2 %).</summary>
public sealed record AlertRuleRequest(string? Severity, string? LongWindow, string? ShortWindow, decimal? BudgetShare);
