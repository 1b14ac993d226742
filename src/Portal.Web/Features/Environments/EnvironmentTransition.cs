using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Web.Features.Environments;

/// <summary>One status change with its time: the timeline, and the source of time-to-ready.</summary>
public sealed class EnvironmentTransition
{
    public long Id { get; set; }
    public Guid EnvironmentId { get; set; }
    public EnvironmentStatus? From { get; set; }
    public EnvironmentStatus To { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Actor { get; set; }
    public string? Comment { get; set; }
}

internal sealed class EnvironmentTransitionConfiguration : IEntityTypeConfiguration<EnvironmentTransition>
{
    public void Configure(EntityTypeBuilder<EnvironmentTransition> builder)
    {
        builder.ToTable("environment_transitions");
        builder.Property(t => t.Id).UseIdentityAlwaysColumn();
        builder.Property(t => t.From).HasConversion<string>().HasMaxLength(20);
        builder.Property(t => t.To).HasConversion<string>().HasMaxLength(20);
        builder.Property(t => t.Actor).HasMaxLength(256);
        builder.HasIndex(t => new { t.EnvironmentId, t.At });
    }
}
