using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Web.Features.Cost;

/// <summary>An alert already sent, so each threshold alerts once per month and basis.</summary>
public sealed class CostBudgetAlert
{
    public long Id { get; set; }
    public Guid BudgetId { get; set; }
    public required string Month { get; set; }
    public int Threshold { get; set; }

    /// <summary>"actual" or "forecast".</summary>
    public required string Basis { get; set; }
    public DateTimeOffset SentAt { get; set; }
}

internal sealed class CostBudgetAlertConfiguration : IEntityTypeConfiguration<CostBudgetAlert>
{
    public void Configure(EntityTypeBuilder<CostBudgetAlert> builder)
    {
        builder.ToTable("cost_budget_alerts");
        builder.Property(a => a.Id).UseIdentityAlwaysColumn();
        builder.HasIndex(a => new { a.BudgetId, a.Month, a.Threshold, a.Basis }).IsUnique();
    }
}
