using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Web.Data;

namespace Portal.Web.Features.Cost;

/// <summary>A monthly budget for a team (or one of its components), with alert thresholds in percent.</summary>
public sealed class CostBudget
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public required string Team { get; set; }
    public string? Component { get; set; }
    public decimal MonthlyAmount { get; set; }
    public required string Currency { get; set; }
    public List<int> Thresholds { get; set; } = [80, 100];
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
}

internal sealed class CostBudgetConfiguration : IEntityTypeConfiguration<CostBudget>
{
    public void Configure(EntityTypeBuilder<CostBudget> builder)
    {
        builder.ToTable("cost_budgets");
        builder.Property(b => b.MonthlyAmount).HasColumnType("numeric");
        builder.Property(b => b.Thresholds).HasJsonConversion();
        builder.HasIndex(b => new { b.Team, b.Component }).IsUnique();
    }
}
