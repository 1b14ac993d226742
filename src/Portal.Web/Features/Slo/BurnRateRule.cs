namespace Portal.Web.Features.Slo;

/// <summary>One row of a multi-window, multi-burn-rate alert policy.</summary>
public sealed record BurnRateRule(string Severity, TimeSpan LongWindow, TimeSpan ShortWindow, decimal BudgetShare)
{
    /// <summary>The burn-rate threshold for a period: budget share x period / long window (14.4 for 2 % over 1 h of 30 days).</summary>
    public decimal Factor(TimeSpan period) => Math.Round(BudgetShare * (decimal)(period.TotalMinutes / LongWindow.TotalMinutes), 6);
}
