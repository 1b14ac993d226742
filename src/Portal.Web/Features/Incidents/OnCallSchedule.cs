using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Web.Features.Incidents;

/// <summary>
/// A team's on-call schedule: layers tried in order (primary, secondary, ...), each a rotation of people handing over
/// every <see cref="OnCallLayer.HandoffHours"/>; an incident nobody acknowledges escalates to the next layer after the
/// current layer's <see cref="OnCallLayer.EscalateAfterMinutes"/>.
/// </summary>
public sealed class OnCallSchedule
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    /// <summary>The key in the API (<c>payments-primary</c>).</summary>
    public required string Name { get; set; }

    /// <summary>The group whose incidents it takes (<c>group:default/payments</c>), a full lower-case ref.</summary>
    public required string Team { get; set; }
    public List<OnCallLayer> Layers { get; set; } = [];
    public DateTimeOffset UpdatedAt { get; set; }
    public required string UpdatedBy { get; set; }
}

/// <summary>
/// One layer: its people in rotation order, from when the rotation counts, the handoff and the escalation delay, and
/// its overrides (someone covering a time range instead of the rotation's person). Layers saved before overrides existed have none (null).
/// </summary>
public sealed record OnCallLayer(string Name, List<string> Users, DateTimeOffset RotationStart, int HandoffHours, int EscalateAfterMinutes,
    List<OnCallOverride>? Overrides = null);

/// <summary><see cref="User"/> is on call in the layer from <see cref="StartsAt"/> up to (not including) <see cref="EndsAt"/>.</summary>
public sealed record OnCallOverride(string User, DateTimeOffset StartsAt, DateTimeOffset EndsAt);

internal sealed class OnCallScheduleConfiguration : IEntityTypeConfiguration<OnCallSchedule>
{
    public void Configure(EntityTypeBuilder<OnCallSchedule> builder)
    {
        builder.ToTable("oncall_schedules");
        builder.HasKey(s => s.Id);
        builder.HasIndex(s => s.Name).IsUnique();
        builder.HasIndex(s => s.Team);
        builder.Property(s => s.Name).HasMaxLength(63);
        builder.Property(s => s.Team).HasMaxLength(400);
        builder.Property(s => s.UpdatedBy).HasMaxLength(200);
        // The layers are read and written whole with their schedule: one jsonb value.
        builder.Property(s => s.Layers).HasColumnType("jsonb")
            .HasConversion(v => JsonSerializer.Serialize(v, JsonSerializerOptions.Web), v => JsonSerializer.Deserialize<List<OnCallLayer>>(v, JsonSerializerOptions.Web) ?? new(),
                new ValueComparer<List<OnCallLayer>>((a, b) => JsonSerializer.Serialize(a, JsonSerializerOptions.Web) == JsonSerializer.Serialize(b, JsonSerializerOptions.Web),
                    v => JsonSerializer.Serialize(v, JsonSerializerOptions.Web).GetHashCode(StringComparison.Ordinal),
                    v => JsonSerializer.Deserialize<List<OnCallLayer>>(JsonSerializer.Serialize(v, JsonSerializerOptions.Web), JsonSerializerOptions.Web)!));
    }
}
