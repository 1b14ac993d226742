using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Web.Features.Delivery;

/// <summary>An admin's override: the gate allows this component's deployments to this environment until it expires or is revoked.</summary>
public sealed class GateOverride
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string ComponentRef { get; set; }
    public required string Environment { get; set; }
    public required string Reason { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public string? RevokedBy { get; set; }

    public bool IsActive(DateTimeOffset now) => RevokedAt is null && ExpiresAt > now;
}

internal sealed class GateOverrideConfiguration : IEntityTypeConfiguration<GateOverride>
{
    public void Configure(EntityTypeBuilder<GateOverride> builder)
    {
        builder.ToTable("delivery_gate_overrides");
        builder.HasKey(o => o.Id);
        builder.HasIndex(o => new { o.ComponentRef, o.Environment, o.ExpiresAt });
        builder.Property(o => o.ComponentRef).HasMaxLength(400);
        builder.Property(o => o.Environment).HasMaxLength(DeliveryLimits.Name);
        builder.Property(o => o.Reason).HasMaxLength(1000);
        builder.Property(o => o.CreatedBy).HasMaxLength(200);
        builder.Property(o => o.RevokedBy).HasMaxLength(200);
    }
}
