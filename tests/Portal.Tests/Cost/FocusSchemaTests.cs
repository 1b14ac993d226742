using Portal.Web.Features.Cost;

namespace Portal.Tests.Cost;

public sealed class FocusSchemaTests
{
    private static readonly string[] V10Header = [.. FocusSchema.Mandatory10, "RegionId", "Tags", "x_Custom"];

    [Fact]
    public void The_version_is_told_from_the_columns_each_release_added()
    {
        Assert.Equal("1.0", FocusSchema.DetectVersion(V10Header));
        Assert.Equal("1.1", FocusSchema.DetectVersion([.. V10Header, "SkuMeter", "ServiceSubcategory"]));
        Assert.Equal("1.2", FocusSchema.DetectVersion([.. V10Header, "SkuMeter", "InvoiceId", "BillingAccountType"]));
        Assert.Equal("1.3", FocusSchema.DetectVersion([.. V10Header, "InvoiceId", "ServiceProviderName", "HostProviderName"]));
        Assert.Equal("1.3", FocusSchema.DetectVersion([.. V10Header, "AllocatedMethodId"]));
        // Microsoft's preview export: BillingAccountType (a 1.2 column) but no ContractedCost/ChargeClass, and Region.
        Assert.Equal("1.0-preview", FocusSchema.DetectVersion([.. FocusSchema.MandatoryPreview, "BillingAccountType", "x_ResourceGroupName"]));
    }

    [Fact]
    public void Each_version_requires_its_own_mandatory_columns()
    {
        Assert.Empty(FocusSchema.Missing("1.0-preview", FocusSchema.MandatoryPreview));
        Assert.DoesNotContain("ContractedCost", FocusSchema.Mandatory("1.0-preview"));
        Assert.Equal(["ChargeClass"], FocusSchema.Missing("1.2", V10Header.Where(c => c != "ChargeClass")));
        var v13 = V10Header.Where(c => c is not ("ProviderName" or "PublisherName")).Append("ServiceProviderName").ToArray();
        Assert.Empty(FocusSchema.Missing("1.3", v13));
        Assert.Equal(["ServiceProviderName"], FocusSchema.Missing("1.3", V10Header));
    }

    [Theory]
    [InlineData("identity/LineItemId,bill/PayerAccountId,lineItem/UnblendedCost,lineItem/UsageStartDate", "AWS Cost and Usage Report", "Data Exports")]
    [InlineData("identity_line_item_id,bill_payer_account_id,line_item_unblended_cost", "AWS Cost and Usage Report", "FOCUS 1.0 with AWS columns")]
    [InlineData("InvoiceSectionName,AccountName,SubscriptionId,MeterCategory,CostInBillingCurrency,Date", "Azure cost details", "Cost and usage details (FOCUS)")]
    [InlineData("lineItem/referenceNo,lineItem/tenantId,product/service,cost/myCost,cost/currencyCode", "OCI", "FOCUS reports")]
    public void Native_exports_are_recognised_and_say_how_to_get_the_focus_one(string header, string name, string advice)
    {
        var native = FocusSchema.DetectNative(header.Split(','));

        Assert.NotNull(native);
        Assert.Contains(name, native.Name, StringComparison.Ordinal);
        Assert.Contains(advice, native.HowToGetFocus, StringComparison.Ordinal);
        Assert.Null(FocusSchema.DetectNative(V10Header));
    }
}
