namespace Portal.Web.Features.Cost;

/// <summary>A billing file that is not FOCUS but a provider's native export, and how to get the FOCUS one instead.</summary>
public sealed record NativeExport(string Name, string HowToGetFocus);

/// <summary>
/// The FOCUS versions the importer reads, told apart by their header, with the columns each one
/// requires (from the FOCUS specification's column definitions at tags v1.0-preview, v1.0,
/// v1.1, v1.2, and the 1.3 release: ServiceProviderName replaces ProviderName/PublisherName,
/// split-cost Allocated* columns). Pure functions of the header.
/// </summary>
public static class FocusSchema
{
    public const string Preview = "1.0-preview";
    public const string V10 = "1.0";
    public const string V11 = "1.1";
    public const string V12 = "1.2";
    public const string V13 = "1.3";

    /// <summary>Mandatory in 1.0, 1.1 and 1.2 (the same 21 columns in all three).</summary>
    public static readonly string[] Mandatory10 =
    [
        "BilledCost", "EffectiveCost", "ListCost", "ContractedCost", "PricingQuantity",
        "BillingPeriodStart", "BillingPeriodEnd", "ChargePeriodStart", "ChargePeriodEnd",
        "BillingAccountId", "BillingCurrency", "ChargeCategory", "ServiceName", "ServiceCategory",
        "ProviderName", "PublisherName", "InvoiceIssuerName",
        "BillingAccountName", "ChargeClass", "ChargeDescription", "PricingUnit",
    ];

    /// <summary>
    /// Required by 1.0-preview ("Column required: True"). It has no ContractedCost or ChargeClass, names
    /// the region <c>Region</c> and the quantity <c>UsageQuantity</c>; Microsoft Cost Management still offers it.
    /// </summary>
    public static readonly string[] MandatoryPreview =
    [
        "BilledCost", "BillingAccountId", "BillingAccountName", "BillingCurrency", "BillingPeriodEnd", "BillingPeriodStart",
        "ChargeCategory", "ChargeDescription", "ChargeFrequency", "ChargePeriodEnd", "ChargePeriodStart", "ChargeSubcategory",
        "CommitmentDiscountCategory", "CommitmentDiscountId", "CommitmentDiscountName", "EffectiveCost", "InvoiceIssuerName",
        "ListCost", "ListUnitPrice", "PricingCategory", "PricingQuantity", "PricingUnit", "ProviderName", "PublisherName", "Region",
        "ResourceId", "ResourceName", "ResourceType", "ServiceCategory", "ServiceName", "SkuId", "SkuPriceId", "SubAccountId",
        "SubAccountName", "Tags", "UsageQuantity", "UsageUnit",
    ];

    /// <summary>1.3: ServiceProviderName is required; the deprecated ProviderName and PublisherName may be absent.</summary>
    public static readonly string[] Mandatory13 =
    [
        .. Mandatory10.Where(c => c is not ("ProviderName" or "PublisherName")), "ServiceProviderName",
    ];

    private static readonly string[] Added11 =
        ["CapacityReservationId", "CapacityReservationStatus", "CommitmentDiscountQuantity", "CommitmentDiscountUnit", "ServiceSubcategory", "SkuMeter", "SkuPriceDetails"];

    private static readonly string[] Added12 =
        ["BillingAccountType", "InvoiceId", "PricingCurrency", "PricingCurrencyContractedUnitPrice", "PricingCurrencyEffectiveCost", "PricingCurrencyListUnitPrice", "SubAccountType"];

    private static readonly string[] Added13 =
        ["ServiceProviderName", "HostProviderName", "AllocatedMethodId", "AllocatedResourceId", "AllocatedResourceName", "AllocatedTags", "AllocatedMethodDetails", "ContractApplied"];

    /// <summary>Columns the portal stores in their own fields (everything else is kept as extra data).</summary>
    public static readonly string[] Stored =
    [
        .. Mandatory10, "RegionId", "RegionName", "Region", "ResourceId", "ResourceName", "ResourceType", "SubAccountId", "SubAccountName", "Tags",
        "ServiceProviderName", "HostProviderName", "AllocatedMethodId", "AllocatedResourceId", "AllocatedTags",
    ];

    /// <summary>The version a header is written in: the newest whose own columns it carries.</summary>
    public static string DetectVersion(IEnumerable<string> header)
    {
        var names = Set(header);
        if (Added13.Any(names.Contains))
        {
            return V13;
        }
        if (!names.Contains("ContractedCost") && !names.Contains("ChargeClass") &&
            (names.Contains("Region") || names.Contains("ChargeSubcategory") || names.Contains("UsageQuantity")))
        {
            return Preview;
        }
        if (Added12.Any(names.Contains))
        {
            return V12;
        }
        return Added11.Any(names.Contains) ? V11 : V10;
    }

    public static IReadOnlyList<string> Mandatory(string version) => version switch
    {
        Preview => MandatoryPreview,
        V13 => Mandatory13,
        _ => Mandatory10,
    };

    /// <summary>The mandatory columns of the header's version that it lacks.</summary>
    public static IReadOnlyList<string> Missing(string version, IEnumerable<string> header)
    {
        var names = Set(header);
        return Mandatory(version).Where(c => !names.Contains(c)).ToList();
    }

    /// <summary>A provider's native (non-FOCUS) cost export, recognised by its header, or null.</summary>
    public static NativeExport? DetectNative(IEnumerable<string> header)
    {
        var names = Set(header);
        bool Any(params string[] columns) => columns.Any(names.Contains);
        // OCI cost reports use the same slash style as the legacy AWS CUR, so they are told apart first.
        if (Any("lineItem/tenantId", "cost/myCost", "product/compartmentId", "product/compartmentName", "lineItem/referenceNo"))
        {
            return new NativeExport("an Oracle Cloud (OCI) cost report",
                "OCI writes FOCUS reports next to its cost reports: in the OCI Console open Billing & Cost Management, Cost and usage reports, " +
                "download a file from the FOCUS reports folder (or its object storage bucket) and import that.");
        }
        if (Any("identity/LineItemId", "lineItem/UnblendedCost", "bill/PayerAccountId", "line_item_unblended_cost", "identity_line_item_id", "bill_payer_account_id"))
        {
            return new NativeExport("an AWS Cost and Usage Report (CUR)",
                "In the AWS Billing and Cost Management console open Data Exports, create an export of type " +
                "\"FOCUS 1.0 with AWS columns\" (CSV or Parquet), and import the files it delivers to S3.");
        }
        if (Any("CostInBillingCurrency", "costInBillingCurrency", "MeterCategory", "meterCategory", "PreTaxCost", "SubscriptionGuid", "ExtendedCost"))
        {
            return new NativeExport("an Azure cost details export (EA or MCA actual/amortized cost)",
                "In the Azure portal open Cost Management, Exports, create an export of type \"Cost and usage details (FOCUS)\", " +
                "and import the file it writes to the storage account.");
        }
        if (Any("service.description", "sku.description", "usage_start_time") && Any("cost", "billing_account_id"))
        {
            return new NativeExport("a Google Cloud billing export",
                "Google provides FOCUS as a BigQuery view over the detailed billing export (\"FOCUS BigQuery view\" in the Cloud Billing docs): " +
                "export that view's result as CSV and import it.");
        }
        return null;
    }

    private static HashSet<string> Set(IEnumerable<string> header) =>
        header.Select(h => h.Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase);
}
