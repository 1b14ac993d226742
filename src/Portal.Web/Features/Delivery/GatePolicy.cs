using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Web.Features.Delivery;

/// <summary>The error-budget gate's policy, one row that admins edit (<c>PUT /api/delivery/gate/policy</c>); absent means <see cref="Default"/>.</summary>
public sealed class GatePolicy
{
    public const int SingletonId = 1;

    public int Id { get; set; } = SingletonId;

    /// <summary>Environments whose deployments the gate judges (lower-case); others are always allowed.</summary>
    public string[] GatedEnvironments { get; set; } = ["prod", "production"];

    /// <summary>Deny while an SLO's error budget is spent.</summary>
    public bool DenyOnExhaustedBudget { get; set; } = true;

    /// <summary>Deny while a burn-rate alert of one of these severities fires ("page", "ticket").</summary>
    public string[] DenyOnAlertSeverities { get; set; } = ["page"];

    /// <summary>Only SLOs with these names count (e.g. "availability"); empty means every SLO of the component.</summary>
    public string[] Slos { get; set; } = [];

    /// <summary>The freeze exception: a deployment that says it is a fix (<c>change=fix</c>) passes a deny.</summary>
    public bool AllowFixes { get; set; } = true;
    public DateTimeOffset UpdatedAt { get; set; }
    public string UpdatedBy { get; set; } = "default";

    public static GatePolicy Default() => new();
}

internal sealed class GatePolicyConfiguration : IEntityTypeConfiguration<GatePolicy>
{
    public void Configure(EntityTypeBuilder<GatePolicy> builder)
    {
        builder.ToTable("delivery_gate_policy");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Id).ValueGeneratedNever();
        builder.Property(p => p.UpdatedBy).HasMaxLength(200);
    }
}
