using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Web.Features.Scorecards;

/// <summary>
/// An admin's request that teams bring their entities on a scorecard to a level (<see cref="TargetLevel"/>) and/or make
/// given rules pass (<see cref="RuleIds"/>) by <see cref="Deadline"/>. The entities in scope are those the scorecard judges
/// and the teams own; <see cref="Teams"/> empty means every team that owns one.
/// </summary>
public sealed class Campaign
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    public required string Title { get; set; }
    public string? Description { get; set; }
    public Guid ScorecardId { get; set; }
    public string? TargetLevel { get; set; }
    public string[] RuleIds { get; set; } = [];
    public string[] Teams { get; set; } = [];
    public DateOnly Deadline { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }

    /// <summary>The day the last reminder went out, so the reminder job sends at most one a day.</summary>
    public DateOnly? RemindedOn { get; set; }
}

internal sealed class CampaignConfiguration : IEntityTypeConfiguration<Campaign>
{
    public void Configure(EntityTypeBuilder<Campaign> builder)
    {
        builder.ToTable("scorecard_campaigns");
        builder.HasKey(c => c.Id);
        builder.HasIndex(c => c.Name).IsUnique();
        builder.HasIndex(c => c.ScorecardId);
        builder.Property(c => c.Name).HasMaxLength(63);
        builder.Property(c => c.Title).HasMaxLength(200);
        builder.Property(c => c.Description).HasMaxLength(2000);
        builder.Property(c => c.TargetLevel).HasMaxLength(63);
        builder.Property(c => c.CreatedBy).HasMaxLength(200);
    }
}
