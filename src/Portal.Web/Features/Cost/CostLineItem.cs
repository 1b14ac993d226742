using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Web.Data;

namespace Portal.Web.Features.Cost;

/// <summary>A FOCUS charge row with its attribution (team, component, environment; null = unallocated).</summary>
public sealed class CostLineItem
{
    public long Id { get; set; }
    public Guid ImportId { get; set; }
    public long Line { get; set; }
    public required string BillingAccountId { get; set; }
    public string? BillingAccountName { get; set; }
    public required string BillingCurrency { get; set; }
    public DateTime BillingPeriodStart { get; set; }
    public DateTime BillingPeriodEnd { get; set; }
    public DateTime ChargePeriodStart { get; set; }
    public DateTime ChargePeriodEnd { get; set; }
    public decimal BilledCost { get; set; }
    public decimal EffectiveCost { get; set; }
    public decimal ListCost { get; set; }
    public decimal? ContractedCost { get; set; }
    public required string ChargeCategory { get; set; }
    public string? ChargeDescription { get; set; }
    public required string ProviderName { get; set; }
    public string? PublisherName { get; set; }
    public string? InvoiceIssuerName { get; set; }
    public required string ServiceName { get; set; }
    public required string ServiceCategory { get; set; }
    public string? RegionId { get; set; }
    public string? RegionName { get; set; }
    public string? ResourceId { get; set; }
    public string? ResourceName { get; set; }
    public string? ResourceType { get; set; }
    public string? SubAccountId { get; set; }
    public string? SubAccountName { get; set; }
    public Dictionary<string, string> Tags { get; set; } = [];
    public Dictionary<string, string> Extra { get; set; } = [];
    public string? HostProviderName { get; set; }
    public string? AllocatedMethodId { get; set; }
    public string? AllocatedResourceId { get; set; }
    public Dictionary<string, string> AllocatedTags { get; set; } = [];
    public string? Team { get; set; }
    public string? Component { get; set; }
    public string? Environment { get; set; }
}

internal sealed class CostLineItemConfiguration : IEntityTypeConfiguration<CostLineItem>
{
    public void Configure(EntityTypeBuilder<CostLineItem> builder)
    {
        builder.ToTable("cost_line_items");
        builder.Property(c => c.Id).UseIdentityAlwaysColumn();
        // numeric without precision: exports carry 11+ decimals and money must add up to the cent, so nothing is rounded on the way in.
        builder.Property(c => c.BilledCost).HasColumnType("numeric");
        builder.Property(c => c.EffectiveCost).HasColumnType("numeric");
        builder.Property(c => c.ListCost).HasColumnType("numeric");
        builder.Property(c => c.ContractedCost).HasColumnType("numeric");
        builder.Property(c => c.Tags).HasJsonConversion();
        // The importer leaves these out of its COPY when the file has no such column: the default fills them.
        builder.Property(c => c.Extra).HasJsonConversion().HasDefaultValueSql("'{}'::jsonb");
        builder.Property(c => c.AllocatedTags).HasJsonConversion().HasDefaultValueSql("'{}'::jsonb");
        builder.HasIndex(c => new { c.BillingAccountId, c.BillingPeriodStart });
        builder.HasIndex(c => c.ChargePeriodStart);
        builder.HasIndex(c => new { c.Team, c.ChargePeriodStart });
        builder.HasIndex(c => new { c.Component, c.ChargePeriodStart });
        // No foreign key to cost_imports: its per-row check cost more than the rest of the COPY. The importer writes the
        // import row in the same transaction as its line items, and imports are never deleted.
    }
}
