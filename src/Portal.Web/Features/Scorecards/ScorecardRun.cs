using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Web.Features.Scorecards;

/// <summary>
/// The totals of one evaluation of one scorecard: the organisation view's trend (level distribution, M7 compliance =
/// passing checks / checks, M5 coverage = components sending telemetry / components with a telemetry rule).
/// </summary>
public sealed class ScorecardRun
{
    public long Id { get; set; }
    public Guid ScorecardId { get; set; }
    public DateTimeOffset At { get; set; }
    public int Entities { get; set; }

    /// <summary>Entities per level, index 0 = no level, then the scorecard's levels lowest first.</summary>
    public int[] LevelCounts { get; set; } = [];
    public int PassedChecks { get; set; }
    public int TotalChecks { get; set; }
    public int TelemetryChecked { get; set; }
    public int TelemetryPassing { get; set; }
    public int ChangedResults { get; set; }
    public double Seconds { get; set; }
}

internal sealed class ScorecardRunConfiguration : IEntityTypeConfiguration<ScorecardRun>
{
    public void Configure(EntityTypeBuilder<ScorecardRun> builder)
    {
        builder.ToTable("scorecard_runs");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).UseIdentityAlwaysColumn();
        builder.HasIndex(r => new { r.ScorecardId, r.At });
    }
}
