using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Web.Data;

namespace Portal.Web.Features.Environments;

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

internal sealed class PolicyDecisionConfiguration : IEntityTypeConfiguration<PolicyDecision>
{
    public void Configure(EntityTypeBuilder<PolicyDecision> builder)
    {
        builder.ToTable("environment_policy_decisions");
        builder.Property(d => d.Id).UseIdentityAlwaysColumn();
        builder.Property(d => d.Violations).HasJsonConversion();
        builder.HasIndex(d => d.At);
    }
}
