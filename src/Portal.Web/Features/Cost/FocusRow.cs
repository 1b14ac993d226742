namespace Portal.Web.Features.Cost;

/// <summary>One FOCUS charge row as the portal keeps it; money is decimal throughout.</summary>
public sealed record FocusRow(
    long Line,
    string BillingAccountId, string? BillingAccountName, string BillingCurrency,
    DateTime BillingPeriodStart, DateTime BillingPeriodEnd, DateTime ChargePeriodStart, DateTime ChargePeriodEnd,
    decimal BilledCost, decimal EffectiveCost, decimal ListCost, decimal? ContractedCost,
    string ChargeCategory, string? ChargeDescription,
    string ProviderName, string? PublisherName, string? InvoiceIssuerName,
    string ServiceName, string ServiceCategory,
    string? RegionId, string? RegionName,
    string? ResourceId, string? ResourceName, string? ResourceType,
    string? SubAccountId, string? SubAccountName,
    IReadOnlyDictionary<string, string> Tags,
    IReadOnlyDictionary<string, string> Extra)
{
    /// <summary>The Tags column as it was in the file (already checked to be a JSON object), stored as is.</summary>
    public string? TagsJson { get; init; }
}
