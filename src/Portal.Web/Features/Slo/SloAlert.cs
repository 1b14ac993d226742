using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Web.Features.Slo;

/// <summary>One episode of one burn-rate rule of one SLO: pending, then firing, then resolved. Rows are the alert history.</summary>
public sealed class SloAlert
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid SloId { get; set; }

    /// <summary>"page-1h-5m": severity and the rule's two windows.</summary>
    public required string Rule { get; set; }
    public required string Severity { get; set; }
    public string State { get; set; } = AlertStates.Pending;
    public DateTimeOffset PendingAt { get; set; }
    public DateTimeOffset? FiredAt { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }
    public DateTimeOffset LastEvaluatedAt { get; set; }
    public decimal Factor { get; set; }
    public decimal? LongBurn { get; set; }
    public decimal? ShortBurn { get; set; }
    public decimal? BudgetConsumed { get; set; }
    public required string Explanation { get; set; }
}

internal sealed class SloAlertConfiguration : IEntityTypeConfiguration<SloAlert>
{
    public void Configure(EntityTypeBuilder<SloAlert> builder)
    {
        builder.ToTable("slo_alerts");
        builder.HasKey(a => a.Id);
        builder.HasIndex(a => new { a.SloId, a.Rule, a.State });
        builder.HasIndex(a => a.PendingAt);
        builder.Property(a => a.Rule).HasMaxLength(40);
        builder.Property(a => a.State).HasMaxLength(10);
        builder.HasOne<SloDefinition>().WithMany().HasForeignKey(a => a.SloId).OnDelete(DeleteBehavior.Cascade);
    }
}
