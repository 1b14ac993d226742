namespace Portal.Web.Features.Cost;

public sealed record BudgetView(Guid Id, string Team, string? Component, decimal MonthlyAmount, string Currency, IReadOnlyList<int> Thresholds,
    decimal MonthToDate, decimal Forecast, decimal PercentUsed, IReadOnlyList<BudgetAlert> Alerts);
