using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Web.Features.Cost;

/// <summary>
/// Line items rolled up per day and dimension, rebuilt for each (billing account, billing period) an
/// import replaces: the summaries and charts read this, so they stay fast at tens of millions of rows.
/// </summary>
public sealed class CostDaily
{
    public long Id { get; set; }
    public DateTime Day { get; set; }
    public required string BillingAccountId { get; set; }
    public DateTime BillingPeriodStart { get; set; }
    public required string BillingCurrency { get; set; }
    public string? Team { get; set; }
    public string? Component { get; set; }
    public string? Environment { get; set; }
    public required string ProviderName { get; set; }
    public required string ServiceCategory { get; set; }
    public required string ServiceName { get; set; }
    public string? RegionId { get; set; }
    public string? SubAccountId { get; set; }
    public decimal BilledCost { get; set; }
    public decimal EffectiveCost { get; set; }
    public long Rows { get; set; }

    /// <summary>The latest ChargePeriodEnd of the group's rows: "the newest data" is read here, not by scanning the line items.</summary>
    public DateTime LastChargeEnd { get; set; }
}

internal sealed class CostDailyConfiguration : IEntityTypeConfiguration<CostDaily>
{
    public void Configure(EntityTypeBuilder<CostDaily> builder)
    {
        builder.ToTable("cost_daily");
        builder.Property(d => d.Id).UseIdentityAlwaysColumn();
        builder.Property(d => d.BilledCost).HasColumnType("numeric");
        builder.Property(d => d.EffectiveCost).HasColumnType("numeric");
        builder.HasIndex(d => d.Day);
        builder.HasIndex(d => new { d.Team, d.Day });
        builder.HasIndex(d => new { d.BillingAccountId, d.BillingPeriodStart });
        builder.HasIndex(d => d.LastChargeEnd);
    }
}
