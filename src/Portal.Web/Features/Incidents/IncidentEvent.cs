using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Web.Features.Incidents;

/// <summary>One line of an incident's timeline: an alert that fired or resolved, a status change, who did it.</summary>
public sealed class IncidentEvent
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid IncidentId { get; set; }
    public DateTimeOffset At { get; set; }

    /// <summary><c>alert.firing</c>, <c>alert.resolved</c>, or the status it moved to (<c>triggered</c>, <c>acknowledged</c>, ...).</summary>
    public required string Kind { get; set; }
    public required string Actor { get; set; }
    public required string Text { get; set; }
}

internal sealed class IncidentEventConfiguration : IEntityTypeConfiguration<IncidentEvent>
{
    public void Configure(EntityTypeBuilder<IncidentEvent> builder)
    {
        builder.ToTable("incident_events");
        builder.HasKey(e => e.Id);
        builder.HasIndex(e => new { e.IncidentId, e.At });
        builder.Property(e => e.Kind).HasMaxLength(40);
        builder.Property(e => e.Actor).HasMaxLength(200);
        builder.Property(e => e.Text).HasMaxLength(4000);
        builder.HasOne<Incident>().WithMany().HasForeignKey(e => e.IncidentId).OnDelete(DeleteBehavior.Cascade);
    }
}
