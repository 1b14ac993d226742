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

    /// <summary>The FOCUS version the header was written in (1.0-preview, 1.0, 1.1, 1.2, 1.3).</summary>
    public string? FocusVersion { get; set; }

    /// <summary>The cost of the rejected rows whose cost could still be read, and how many rejected rows had none readable.</summary>
    public decimal RejectedBilledCost { get; set; }
    public decimal RejectedEffectiveCost { get; set; }
    public int RejectedRowsWithoutCost { get; set; }

    /// <summary>Problems worked around (the rows were imported with their cost), counted by kind.</summary>
    public List<CostImportWarning> Warnings { get; set; } = [];
    public double DurationSeconds { get; set; }
}

internal sealed class CostImportConfiguration : IEntityTypeConfiguration<CostImport>
{
    public void Configure(EntityTypeBuilder<CostImport> builder)
    {
        builder.ToTable("cost_imports");
        builder.Property(i => i.BilledCost).HasColumnType("numeric");
        builder.Property(i => i.EffectiveCost).HasColumnType("numeric");
        builder.Property(i => i.Errors).HasJsonConversion();
        builder.Property(i => i.Warnings).HasJsonConversion();
        builder.Property(i => i.RejectedBilledCost).HasColumnType("numeric");
        builder.Property(i => i.RejectedEffectiveCost).HasColumnType("numeric");
        builder.Property(i => i.FocusVersion).HasMaxLength(20);
        builder.Property(i => i.BillingAccounts).HasJsonConversion();
        builder.Property(i => i.ExtraColumns).HasJsonConversion();
        builder.HasIndex(i => i.ImportedAt);
    }
}
