using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Web.Features.Delivery;

/// <summary>One CI run of a component's pipeline; a retry of the same run updates this row (unique by component and run id).</summary>
public sealed class DeliveryBuild
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string ComponentRef { get; set; }
    public required string RunId { get; set; }
    public required string Pipeline { get; set; }
    public required string CommitSha { get; set; }
    public string? Branch { get; set; }
    public required string Status { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public string? Url { get; set; }

    /// <summary>"api", "github" or "gitlab".</summary>
    public required string Source { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

internal sealed class DeliveryBuildConfiguration : IEntityTypeConfiguration<DeliveryBuild>
{
    public void Configure(EntityTypeBuilder<DeliveryBuild> builder)
    {
        builder.ToTable("delivery_builds");
        builder.HasKey(b => b.Id);
        builder.HasIndex(b => new { b.ComponentRef, b.RunId }).IsUnique();
        builder.HasIndex(b => new { b.ComponentRef, b.StartedAt });
        builder.Property(b => b.ComponentRef).HasMaxLength(400);
        builder.Property(b => b.RunId).HasMaxLength(DeliveryLimits.RunId);
        builder.Property(b => b.Pipeline).HasMaxLength(DeliveryLimits.Name);
        builder.Property(b => b.CommitSha).HasMaxLength(DeliveryLimits.Sha);
        builder.Property(b => b.Branch).HasMaxLength(DeliveryLimits.Name);
        builder.Property(b => b.Status).HasMaxLength(20);
        builder.Property(b => b.Url).HasMaxLength(DeliveryLimits.Url);
        builder.Property(b => b.Source).HasMaxLength(20);
    }
}
