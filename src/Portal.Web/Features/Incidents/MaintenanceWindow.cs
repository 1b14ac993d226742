using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Web.Features.Incidents;

/// <summary>
/// A time when alerts of a component, of a team's components, or of everything (neither set: global) are recorded but not
/// routed, and open no incident. Scheduled (a future start) or ad hoc (starting now); ending one early sets its end.
/// </summary>
public sealed class MaintenanceWindow
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public string? ComponentRef { get; set; }
    public string? Team { get; set; }
    public DateTimeOffset StartsAt { get; set; }
    public DateTimeOffset EndsAt { get; set; }
    public required string Reason { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class MaintenanceWindowConfiguration : IEntityTypeConfiguration<MaintenanceWindow>
{
    public void Configure(EntityTypeBuilder<MaintenanceWindow> builder)
    {
        builder.ToTable("maintenance_windows");
        builder.HasKey(w => w.Id);
        builder.HasIndex(w => w.EndsAt);
        builder.Property(w => w.ComponentRef).HasMaxLength(400);
        builder.Property(w => w.Team).HasMaxLength(400);
        builder.Property(w => w.Reason).HasMaxLength(500);
        builder.Property(w => w.CreatedBy).HasMaxLength(200);
    }
}
