namespace Portal.Web.Features.Cost;

public sealed record BudgetRequest(string? Team, decimal? MonthlyAmount, string? Component = null, int[]? Thresholds = null, string? Currency = null);
