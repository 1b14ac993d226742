using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Web.Features.Environments;

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

internal sealed class EnvironmentLogLineConfiguration : IEntityTypeConfiguration<EnvironmentLogLine>
{
    public void Configure(EntityTypeBuilder<EnvironmentLogLine> builder)
    {
        builder.ToTable("environment_log_lines");
        builder.Property(l => l.Id).UseIdentityAlwaysColumn();
        builder.Property(l => l.Step).HasMaxLength(100);
        builder.Property(l => l.Level).HasMaxLength(10);
        builder.HasIndex(l => new { l.RunId, l.Id });
        // The name the database has had since the table was created (EF derives another one from the type names).
        builder.HasOne<EnvironmentRun>().WithMany().HasForeignKey(l => l.RunId).OnDelete(DeleteBehavior.Cascade)
            .HasConstraintName("fk_environment_log_lines_environment_runs_run_id");
    }
}
