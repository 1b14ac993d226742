using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Web.Features.Scorecards;

/// <summary>One change of an entity's level or passing rules on a scorecard: the history a score is shown over time with.</summary>
public sealed class ScorecardHistory
{
    public long Id { get; set; }
    public Guid ScorecardId { get; set; }
    public required string EntityRef { get; set; }
    public string? Owner { get; set; }
    public int LevelIndex { get; set; }
    public string? Level { get; set; }
    public int Passed { get; set; }
    public int Total { get; set; }

    /// <summary>Comma-separated ids of the passing rules (campaigns that target a rule read it).</summary>
    public required string PassingRules { get; set; }
    public DateTimeOffset At { get; set; }
}

internal sealed class ScorecardHistoryConfiguration : IEntityTypeConfiguration<ScorecardHistory>
{
    public void Configure(EntityTypeBuilder<ScorecardHistory> builder)
    {
        builder.ToTable("scorecard_history");
        builder.HasKey(h => h.Id);
        builder.Property(h => h.Id).UseIdentityAlwaysColumn();
        builder.HasIndex(h => new { h.ScorecardId, h.EntityRef, h.At });
        builder.HasIndex(h => new { h.ScorecardId, h.At });
        builder.Property(h => h.EntityRef).HasMaxLength(400);
        builder.Property(h => h.Owner).HasMaxLength(400);
        builder.Property(h => h.Level).HasMaxLength(63);
    }
}
