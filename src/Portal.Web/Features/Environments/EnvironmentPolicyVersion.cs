using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Web.Features.Environments;

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

internal sealed class EnvironmentPolicyVersionConfiguration : IEntityTypeConfiguration<EnvironmentPolicyVersion>
{
    public void Configure(EntityTypeBuilder<EnvironmentPolicyVersion> builder)
    {
        builder.ToTable("environment_policy_versions");
        builder.HasIndex(p => p.Version).IsUnique();
        builder.Property(p => p.CreatedBy).HasMaxLength(256);
    }
}
