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

    /// <summary>Extra as JSON when the reader already has it (rows with the same extra values share one text).</summary>
    public string? ExtraJson { get; init; }

    /// <summary>FOCUS 1.3: who hosts the service when another provider sells it (a marketplace).</summary>
    public string? HostProviderName { get; init; }

    /// <summary>FOCUS 1.3 split-cost allocation: the method, and the workload this share of a shared resource's cost belongs to.</summary>
    public string? AllocatedMethodId { get; init; }
    public string? AllocatedResourceId { get; init; }
    public IReadOnlyDictionary<string, string> AllocatedTags { get; init; } = Empty;

    /// <summary>What was suspicious about the row; it is imported all the same.</summary>
    public IReadOnlyList<FocusRowWarning> Warnings { get; init; } = [];

    /// <summary>
    /// The tags attribution reads: a split-cost row is attributed by its workload's tags (AllocatedTags),
    /// falling back to the shared resource's own tags for keys the workload does not set.
    /// </summary>
    public IReadOnlyDictionary<string, string> AttributionTags => CostAllocationFacts.Tags(Tags, AllocatedTags);

    /// <summary>The resource attribution reads: the workload's for a split-cost row, else the row's own.</summary>
    public string? AttributionResourceId => AllocatedResourceId ?? ResourceId;

    private static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>();
}
