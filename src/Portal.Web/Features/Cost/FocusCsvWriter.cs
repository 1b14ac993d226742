using System.Globalization;
using System.Text.Json;
using Portal.Web.Infrastructure.Csv;

namespace Portal.Web.Features.Cost;

/// <summary>Writes FOCUS 1.0 CSV (the demo data generator's output, and test and benchmark files).</summary>
public static class FocusCsvWriter
{
    public static readonly string[] Header =
    [
        "BilledCost", "EffectiveCost", "ListCost", "ContractedCost", "PricingQuantity", "PricingUnit",
        "BillingPeriodStart", "BillingPeriodEnd", "ChargePeriodStart", "ChargePeriodEnd",
        "BillingAccountId", "BillingAccountName", "BillingCurrency", "ChargeCategory", "ChargeClass", "ChargeDescription",
        "ServiceName", "ServiceCategory", "ProviderName", "PublisherName", "InvoiceIssuerName",
        "RegionId", "RegionName", "ResourceId", "ResourceName", "ResourceType", "SubAccountId", "SubAccountName", "Tags",
    ];

    public static void WriteHeader(TextWriter writer) => writer.Write(string.Join(',', Header) + "\n");

    public static void WriteRow(TextWriter writer, FocusRow r)
    {
        // Read back only by the portal's FOCUS reader, never opened as an export: values are kept exactly (not defused).
        static string Q(string? value) => value is null ? "NULL" : CsvCell.Quoted(value);
        static string N(decimal value) => value.ToString(CultureInfo.InvariantCulture);
        static string T(DateTime value) => value.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        writer.Write(string.Join(',',
            N(r.BilledCost), N(r.EffectiveCost), N(r.ListCost), r.ContractedCost is { } c ? N(c) : N(r.EffectiveCost), "1", Q("Hours"),
            T(r.BillingPeriodStart), T(r.BillingPeriodEnd), T(r.ChargePeriodStart), T(r.ChargePeriodEnd),
            Q(r.BillingAccountId), Q(r.BillingAccountName), Q(r.BillingCurrency), Q(r.ChargeCategory), "NULL", Q(r.ChargeDescription),
            Q(r.ServiceName), Q(r.ServiceCategory), Q(r.ProviderName), Q(r.PublisherName), Q(r.InvoiceIssuerName),
            Q(r.RegionId), Q(r.RegionName), Q(r.ResourceId), Q(r.ResourceName), Q(r.ResourceType), Q(r.SubAccountId), Q(r.SubAccountName),
            r.Tags.Count == 0 ? "NULL" : Q(JsonSerializer.Serialize(r.Tags))));
        writer.Write('\n');
    }

    /// <summary>A usage row with sensible defaults, for generators and tests.</summary>
    public static FocusRow Usage(DateTime hour, decimal cost, string provider, string service, string category, string region, string? resourceId,
        IReadOnlyDictionary<string, string> tags, string account = "100000000001", string? subAccount = null) => new(
        0, account, "Northwind", "USD",
        new DateTime(hour.Year, hour.Month, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(hour.Year, hour.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(1),
        hour, hour.AddHours(1), cost, cost, cost, cost, "Usage", $"{service} usage", provider, provider, provider, service, category,
        region, region, resourceId, resourceId, resourceId is null ? null : "Instance", subAccount, subAccount, tags, new Dictionary<string, string>());
}
