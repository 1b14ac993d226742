using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Web.Data;

namespace Portal.Web.Features.Environments;

/// <summary>The life of an environment; <see cref="EnvironmentLifecycle"/> says which moves are allowed.</summary>
public enum EnvironmentStatus
{
    Requested,
    PendingApproval,
    Approved,
    Provisioning,
    Ready,
    Failed,
    Expiring,
    Deleting,
    Deleted,
    Rejected,
    Cancelled,
}

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

public enum RunKind { Provision, Teardown }

public enum RunStatus { Queued, Running, Succeeded, Failed, Cancelled }

/// <summary>One execution of a driver for an environment (provision or teardown), with its log.</summary>
public sealed class EnvironmentRun
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid EnvironmentId { get; set; }
    public RunKind Kind { get; set; }
    public RunStatus Status { get; set; }
    public DateTimeOffset QueuedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>Written while the run executes; a stale heartbeat means its process died and the watchdog re-queues it.</summary>
    public DateTimeOffset? HeartbeatAt { get; set; }

    /// <summary>How many times a worker has claimed the run (1 normally; more after a crash).</summary>
    public int Claims { get; set; }
    public string? Error { get; set; }
}

public sealed class EnvironmentLogLine
{
    public long Id { get; set; }
    public Guid RunId { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Step { get; set; }

    /// <summary>"info", "warning" or "error".</summary>
    public required string Level { get; set; }
    public required string Message { get; set; }
}

/// <summary>One version of the environment policy YAML; the highest version is in force.</summary>
public sealed class EnvironmentPolicyVersion
{
    public int Id { get; set; }
    public int Version { get; set; }
    public required string Yaml { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
    public string? Comment { get; set; }
}

/// <summary>A policy evaluation and its outcome, kept so compliance can be reported.</summary>
public sealed class PolicyDecision
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    public Guid? EnvironmentId { get; set; }

    /// <summary>"request" or "approval".</summary>
    public required string Stage { get; set; }
    public required string Actor { get; set; }
    public required string Type { get; set; }
    public string? ComponentRef { get; set; }
    public int PolicyVersion { get; set; }
    public bool Compliant { get; set; }
    public List<PolicyViolation> Violations { get; set; } = [];
}

internal sealed class EnvironmentConfiguration :
    IEntityTypeConfiguration<PortalEnvironment>, IEntityTypeConfiguration<EnvironmentTransition>, IEntityTypeConfiguration<EnvironmentRun>,
    IEntityTypeConfiguration<EnvironmentLogLine>, IEntityTypeConfiguration<EnvironmentPolicyVersion>, IEntityTypeConfiguration<PolicyDecision>
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

    public void Configure(EntityTypeBuilder<EnvironmentTransition> builder)
    {
        builder.ToTable("environment_transitions");
        builder.Property(t => t.Id).UseIdentityAlwaysColumn();
        builder.Property(t => t.From).HasConversion<string>().HasMaxLength(20);
        builder.Property(t => t.To).HasConversion<string>().HasMaxLength(20);
        builder.Property(t => t.Actor).HasMaxLength(256);
        builder.HasIndex(t => new { t.EnvironmentId, t.At });
    }

    public void Configure(EntityTypeBuilder<EnvironmentRun> builder)
    {
        builder.ToTable("environment_runs");
        builder.Property(r => r.Kind).HasConversion<string>().HasMaxLength(20);
        builder.Property(r => r.Status).HasConversion<string>().HasMaxLength(20);
        builder.HasIndex(r => new { r.Status, r.HeartbeatAt });
        builder.HasIndex(r => r.EnvironmentId);
    }

    public void Configure(EntityTypeBuilder<EnvironmentLogLine> builder)
    {
        builder.ToTable("environment_log_lines");
        builder.Property(l => l.Id).UseIdentityAlwaysColumn();
        builder.Property(l => l.Step).HasMaxLength(100);
        builder.Property(l => l.Level).HasMaxLength(10);
        builder.HasIndex(l => new { l.RunId, l.Id });
        builder.HasOne<EnvironmentRun>().WithMany().HasForeignKey(l => l.RunId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<EnvironmentPolicyVersion> builder)
    {
        builder.ToTable("environment_policy_versions");
        builder.HasIndex(p => p.Version).IsUnique();
        builder.Property(p => p.CreatedBy).HasMaxLength(256);
    }

    public void Configure(EntityTypeBuilder<PolicyDecision> builder)
    {
        builder.ToTable("environment_policy_decisions");
        builder.Property(d => d.Id).UseIdentityAlwaysColumn();
        builder.Property(d => d.Violations).HasJsonConversion();
        builder.HasIndex(d => d.At);
    }
}
