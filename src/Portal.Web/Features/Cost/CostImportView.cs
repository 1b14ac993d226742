namespace Portal.Web.Features.Cost;

public sealed record CostImportView(
    Guid Id, string FileName, DateTimeOffset ImportedAt, string ImportedBy, string Status, string? Message, int Rows, int RejectedRows, int ReplacedRows,
    decimal BilledCost, decimal EffectiveCost, DateTime? PeriodStart, DateTime? PeriodEnd, IReadOnlyList<string> BillingAccounts,
    IReadOnlyList<FocusRowError> Errors, double DurationSeconds, string? FocusVersion, decimal RejectedBilledCost, decimal RejectedEffectiveCost,
    int RejectedRowsWithoutCost, IReadOnlyList<CostImportWarning> Warnings)
{
    public static CostImportView From(CostImport i) => new(i.Id, i.FileName, i.ImportedAt, i.ImportedBy, i.Status, i.Message, i.Rows, i.RejectedRows,
        i.ReplacedRows, i.BilledCost, i.EffectiveCost, i.PeriodStart, i.PeriodEnd, i.BillingAccounts, i.Errors, i.DurationSeconds, i.FocusVersion,
        i.RejectedBilledCost, i.RejectedEffectiveCost, i.RejectedRowsWithoutCost, i.Warnings);
}
