using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Web.Data;

namespace Portal.Web.Features.Environments;

/// <summary>
/// An environment a team asked for: what it is for (a catalog component), its size and place,
/// who asked and who approved, where it is in its life, and what the driver made.
/// (Named PortalEnvironment because System.Environment is everywhere.)
/// </summary>
public sealed class PortalEnvironment
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public required string Name { get; set; }
    public required string ComponentRef { get; set; }
    public string? SystemRef { get; set; }

    /// <summary>The owning team's group ref (the component's owner when requested).</summary>
    public required string OwnerTeam { get; set; }
    public required string Type { get; set; }
    public required string Tier { get; set; }
    public decimal Cpu { get; set; }
    public decimal MemoryGi { get; set; }
    public decimal StorageGi { get; set; }
    public required string Region { get; set; }
    public required string Driver { get; set; }
    public Dictionary<string, string> Parameters { get; set; } = [];
    public Dictionary<string, string> Outputs { get; set; } = [];

    /// <summary>Monthly cost estimate at request time, from the configured unit prices.</summary>
    public decimal MonthlyEstimate { get; set; }

    /// <summary>How long the environment lives once Ready; null means until deleted.</summary>
    public TimeSpan? Ttl { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public DateTimeOffset? WarningSentAt { get; set; }

    public required string RequestedById { get; set; }
    public required string RequestedBy { get; set; }

    /// <summary>"approver" or "admin" when the policy wants an approval; null when it does not.</summary>
    public string? ApprovalBy { get; set; }
    public string? DecidedBy { get; set; }
    public string? DecisionComment { get; set; }

    public EnvironmentStatus Status { get; set; }
    public DateTimeOffset RequestedAt { get; set; }
    public DateTimeOffset? ReadyAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Set by cancel during provisioning; the running job stops at its next check.</summary>
    public bool CancelRequested { get; set; }

    public List<EnvironmentTransition> Transitions { get; set; } = [];
    public List<EnvironmentRun> Runs { get; set; } = [];

    /// <summary>Statuses in which the environment exists or is on its way (counted against quotas, names taken).</summary>
    public static readonly EnvironmentStatus[] Live =
    [
        EnvironmentStatus.Requested, EnvironmentStatus.PendingApproval, EnvironmentStatus.Approved, EnvironmentStatus.Provisioning,
        EnvironmentStatus.Ready, EnvironmentStatus.Failed, EnvironmentStatus.Expiring, EnvironmentStatus.Deleting,
    ];
}

internal sealed class PortalEnvironmentConfiguration : IEntityTypeConfiguration<PortalEnvironment>
{
    public void Configure(EntityTypeBuilder<PortalEnvironment> builder)
    {
        builder.ToTable("environments");
        builder.Property(e => e.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(e => e.Name).HasMaxLength(63);
        builder.Property(e => e.Type).HasMaxLength(20);
        builder.Property(e => e.Tier).HasMaxLength(40);
        builder.Property(e => e.Region).HasMaxLength(60);
        builder.Property(e => e.Driver).HasMaxLength(40);
        builder.Property(e => e.Parameters).HasJsonConversion();
        builder.Property(e => e.Outputs).HasJsonConversion();
        builder.Property(e => e.Cpu).HasPrecision(10, 3);
        builder.Property(e => e.MemoryGi).HasPrecision(10, 3);
        builder.Property(e => e.StorageGi).HasPrecision(10, 3);
        builder.Property(e => e.MonthlyEstimate).HasPrecision(14, 2);
        builder.Property<uint>("xmin").IsRowVersion();
        // A name is one Kubernetes namespace and one GitOps folder: unique among environments that exist.
        builder.HasIndex(e => e.Name).IsUnique().HasFilter("status NOT IN ('Deleted', 'Rejected', 'Cancelled')");
        builder.HasIndex(e => new { e.OwnerTeam, e.Status });
        builder.HasIndex(e => new { e.ComponentRef, e.Status });
        builder.HasIndex(e => new { e.Status, e.ExpiresAt });
        builder.HasIndex(e => e.RequestedById);
        builder.HasMany(e => e.Transitions).WithOne().HasForeignKey(t => t.EnvironmentId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(e => e.Runs).WithOne().HasForeignKey(r => r.EnvironmentId).OnDelete(DeleteBehavior.Cascade);
    }
}
