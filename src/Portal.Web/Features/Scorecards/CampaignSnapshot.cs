using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Web.Features.Scorecards;

/// <summary>A team's progress on a campaign from a given moment: written when it changed, so the rows are its progress over time.</summary>
public sealed class CampaignSnapshot
{
    public long Id { get; set; }
    public Guid CampaignId { get; set; }
    public required string Team { get; set; }
    public DateTimeOffset At { get; set; }
    public int Done { get; set; }
    public int Total { get; set; }
}

internal sealed class CampaignSnapshotConfiguration : IEntityTypeConfiguration<CampaignSnapshot>
{
    public void Configure(EntityTypeBuilder<CampaignSnapshot> builder)
    {
        builder.ToTable("scorecard_campaign_progress");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).UseIdentityAlwaysColumn();
        builder.HasIndex(s => new { s.CampaignId, s.Team, s.At });
        builder.Property(s => s.Team).HasMaxLength(400);
    }
}
