using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Web.Features.Slo.Ingestion;

/// <summary>
/// One row of the stream-state journal (<c>slo_stream_journal</c>), in commit order: its id is the newest id plus one,
/// taken under the stream-state lock. Three kinds: an export's new stream states (<see cref="States"/>); a fold marker (<see cref="FoldedThrough"/>:
/// rows up to it were written into <c>slo_metric_streams</c> and deleted); a forget marker (both null: state was
/// deleted from the table, so a process must re-read every stream from it).
/// </summary>
public sealed class StreamJournalEntry
{
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
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).ValueGeneratedNever();
    }
}
