using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Web.Data;

namespace Portal.Web.Features.Delivery;

/// <summary>One deployment of a component to an environment; a retry of the same run updates this row (unique by component and run id).</summary>
public sealed class DeliveryDeployment
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string ComponentRef { get; set; }
    public required string RunId { get; set; }

    /// <summary>Lower-case; which names count as production is <see cref="DeliveryOptions.ProductionEnvironments"/>.</summary>
    public required string Environment { get; set; }
    public string? Version { get; set; }

    /// <summary>The commit deployed (the newest of <see cref="Commits"/>).</summary>
    public required string CommitSha { get; set; }

    /// <summary>The changes this deployment brought, with their commit times when the sender knows them (lead time needs them).</summary>
    public List<DeploymentCommit> Commits { get; set; } = [];
    public required string Status { get; set; }

    /// <summary>This deployment puts an earlier version back: the deployment before it counts as a failed change.</summary>
    public bool Rollback { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public string? Url { get; set; }
    public string? DeployedBy { get; set; }
    public required string Source { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A commit a deployment brought, and when it was committed (null when the sender does not say).</summary>
public sealed record DeploymentCommit(string Sha, DateTimeOffset? CommittedAt);

internal sealed class DeliveryDeploymentConfiguration : IEntityTypeConfiguration<DeliveryDeployment>
{
    public void Configure(EntityTypeBuilder<DeliveryDeployment> builder)
    {
        builder.ToTable("delivery_deployments");
        builder.HasKey(d => d.Id);
        builder.HasIndex(d => new { d.ComponentRef, d.RunId }).IsUnique();
        builder.HasIndex(d => new { d.Environment, d.FinishedAt });
        builder.HasIndex(d => new { d.ComponentRef, d.Environment, d.FinishedAt });
        builder.Property(d => d.ComponentRef).HasMaxLength(400);
        builder.Property(d => d.RunId).HasMaxLength(DeliveryLimits.RunId);
        builder.Property(d => d.Environment).HasMaxLength(DeliveryLimits.Name);
        builder.Property(d => d.Version).HasMaxLength(DeliveryLimits.Name);
        builder.Property(d => d.CommitSha).HasMaxLength(DeliveryLimits.Sha);
        builder.Property(d => d.Commits).HasJsonConversion();
        builder.Property(d => d.Status).HasMaxLength(20);
        builder.Property(d => d.Url).HasMaxLength(DeliveryLimits.Url);
        builder.Property(d => d.DeployedBy).HasMaxLength(DeliveryLimits.Name);
        builder.Property(d => d.Source).HasMaxLength(20);
    }
}
