using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Web.Features.Environments;

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

internal sealed class EnvironmentRunConfiguration : IEntityTypeConfiguration<EnvironmentRun>
{
    public void Configure(EntityTypeBuilder<EnvironmentRun> builder)
    {
        builder.ToTable("environment_runs");
        builder.Property(r => r.Kind).HasConversion<string>().HasMaxLength(20);
        builder.Property(r => r.Status).HasConversion<string>().HasMaxLength(20);
        builder.HasIndex(r => new { r.Status, r.HeartbeatAt });
        builder.HasIndex(r => r.EnvironmentId);
    }
}
