using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Web.Features.Slo.Ingestion;

/// <summary>
/// One row of the stream-state journal (<c>slo_stream_journal</c>), in commit order within its partition: its id is the
/// partition's newest id plus one, taken under the partition's lock (<see cref="StreamPartitions"/>). Three kinds: an export's new stream states (<see cref="States"/>); a fold marker (<see cref="FoldedThrough"/>:
/// rows up to it were written into <c>slo_metric_streams</c> and deleted); a forget marker (both null: state was
/// deleted from the table, so a process must re-read every stream from it).
/// </summary>
public sealed class StreamJournalEntry
{
    /// <summary>The <see cref="StreamPartitions"/> partition whose streams the row is about.</summary>
    public int Partition { get; set; }

    public long Id { get; set; }
    public DateTimeOffset WrittenAt { get; set; }
    public byte[]? States { get; set; }
    public long? FoldedThrough { get; set; }
}

internal sealed class StreamJournalConfiguration : IEntityTypeConfiguration<StreamJournalEntry>
{
    public void Configure(EntityTypeBuilder<StreamJournalEntry> builder)
    {
        builder.ToTable("slo_stream_journal");
        builder.HasKey(e => new { e.Partition, e.Id });
        builder.Property(e => e.Id).ValueGeneratedNever();
        // Rows an earlier version wrote had no partition: the ScaleOut migration gives them StreamPartitions.Legacy.
    }
}
