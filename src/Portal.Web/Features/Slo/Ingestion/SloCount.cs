using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Web.Features.Slo.Ingestion;

/// <summary>
/// Good and total events of one SLO in one minute, hour or day, written as exports arrive (each increase goes to its
/// minute, its hour and its day in one transaction), so any window is a handful of rows: the minutes at its edges,
/// whole hours, whole days. <see cref="GoodSlices"/>/<see cref="Slices"/> count one-minute timeslices (a minute with
/// events is a slice; it is good when its ratio meets the SLO's timeslice target).
/// </summary>
public sealed class SloCount
{
    public Guid SloId { get; set; }
    public short Span { get; set; }
    public DateTimeOffset Bucket { get; set; }
    public long Good { get; set; }
    public long Total { get; set; }
    public long GoodSlices { get; set; }
    public long Slices { get; set; }
}

internal sealed class SloCountConfiguration : IEntityTypeConfiguration<SloCount>
{
    public void Configure(EntityTypeBuilder<SloCount> builder)
    {
        builder.ToTable("slo_counts");
        builder.HasKey(c => new { c.SloId, c.Span, c.Bucket });
        // The alert job sums every SLO's window segments at once: by resolution and time across all SLOs, from the
        // index alone (the counts are included), so a cycle reads only the rows its windows need.
        builder.HasIndex(c => new { c.Span, c.Bucket }).IncludeProperties(c => new { c.SloId, c.Good, c.Total, c.GoodSlices, c.Slices });
        builder.HasOne<SloDefinition>().WithMany().HasForeignKey(c => c.SloId).OnDelete(DeleteBehavior.Cascade);
    }
}
