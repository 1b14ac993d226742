using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Web.Features.Delivery;

/// <summary>
/// One component's delivery on one UTC day (or the organisation's, <see cref="DeliveryRollup.Organisation"/>): what the
/// DORA figures of a team or the organisation are summed from, kept by <see cref="DeliveryRollup"/> as events arrive.
/// Deployments count on the day they finished (production only); lead and restore times as sparse histograms
/// (bucket numbers of <see cref="DoraHistogram"/> and their counts, ascending).
/// </summary>
public sealed class DeliveryDaily
{
    public required string ComponentRef { get; set; }
    public DateOnly Day { get; set; }
    public int DeploymentsSucceeded { get; set; }
    public int DeploymentsFailed { get; set; }

    /// <summary>Successful rollbacks (also in <see cref="DeploymentsSucceeded"/>).</summary>
    public int Rollbacks { get; set; }

    /// <summary>Start-to-finish minutes of successful deployments that say when they started, summed; their number is <see cref="DeploysTimed"/>.</summary>
    public double DeployMinutes { get; set; }
    public int DeploysTimed { get; set; }
    public int Changes { get; set; }
    public int FailedChanges { get; set; }
    public int Restores { get; set; }
    public int[] RestoreBuckets { get; set; } = [];
    public int[] RestoreCounts { get; set; } = [];
    public int LeadTimeCommits { get; set; }
    public int[] LeadBuckets { get; set; } = [];
    public int[] LeadCounts { get; set; } = [];
    public int BuildsSucceeded { get; set; }
    public int BuildsFailed { get; set; }
    public int BuildsCancelled { get; set; }
}

internal sealed class DeliveryDailyConfiguration : IEntityTypeConfiguration<DeliveryDaily>
{
    public void Configure(EntityTypeBuilder<DeliveryDaily> builder)
    {
        builder.ToTable("delivery_daily");
        builder.HasKey(d => new { d.ComponentRef, d.Day });
        builder.Property(d => d.ComponentRef).HasMaxLength(400);
    }
}
