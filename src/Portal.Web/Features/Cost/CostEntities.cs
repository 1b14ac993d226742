using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Web.Data;

namespace Portal.Web.Features.Cost;

/// <summary>One import of a FOCUS file: what it held, what it replaced, what was wrong with it.</summary>
public sealed class CostImport
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public required string FileName { get; set; }
    public DateTimeOffset ImportedAt { get; set; }
    public required string ImportedBy { get; set; }

    /// <summary>"succeeded" (possibly with rejected rows) or "failed" (nothing imported).</summary>
    public required string Status { get; set; }
    public string? Message { get; set; }
    public int Rows { get; set; }
    public int RejectedRows { get; set; }
    public int ReplacedRows { get; set; }
    public decimal BilledCost { get; set; }
    public decimal EffectiveCost { get; set; }
    public DateTime? PeriodStart { get; set; }
    public DateTime? PeriodEnd { get; set; }
    public List<string> BillingAccounts { get; set; } = [];
    public List<string> ExtraColumns { get; set; } = [];

    /// <summary>The first <see cref="CostImporter.MaxErrorsKept"/> problems, by line number.</summary>
    public List<FocusRowError> Errors { get; set; } = [];
    public double DurationSeconds { get; set; }
}

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
    public string? Team { get; set; }
    public string? Component { get; set; }
    public string? Environment { get; set; }
}

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
}

internal sealed class CostConfiguration : IEntityTypeConfiguration<CostImport>, IEntityTypeConfiguration<CostLineItem>, IEntityTypeConfiguration<CostDaily>
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
    }

    public void Configure(EntityTypeBuilder<CostImport> builder)
    {
        builder.ToTable("cost_imports");
        builder.Property(i => i.BilledCost).HasColumnType("numeric");
        builder.Property(i => i.EffectiveCost).HasColumnType("numeric");
        builder.Property(i => i.Errors).HasJsonConversion();
        builder.Property(i => i.BillingAccounts).HasJsonConversion();
        builder.Property(i => i.ExtraColumns).HasJsonConversion();
        builder.HasIndex(i => i.ImportedAt);
    }

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
        builder.Property(c => c.Extra).HasJsonConversion();
        builder.HasIndex(c => new { c.BillingAccountId, c.BillingPeriodStart });
        builder.HasIndex(c => c.ChargePeriodStart);
        builder.HasIndex(c => new { c.Team, c.ChargePeriodStart });
        builder.HasIndex(c => new { c.Component, c.ChargePeriodStart });
        builder.HasOne<CostImport>().WithMany().HasForeignKey(c => c.ImportId).OnDelete(DeleteBehavior.Restrict);
    }
}
