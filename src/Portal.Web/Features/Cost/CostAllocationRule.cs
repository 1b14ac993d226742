using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Web.Features.Cost;

/// <summary>
/// One attribution rule, edited by admins and applied in <see cref="Position"/> order: for each
/// dimension (team, component, environment) the first rule that matches a charge decides it.
/// </summary>
public sealed class CostAllocationRule
{
    public int Id { get; set; }
    public int Position { get; set; }

    /// <summary>"tag" (Match is a tag key), "resource" (Match is a regular expression over ResourceId), "subaccount" (Match is a SubAccountId) or "service" (Match is a ServiceName).</summary>
    public required string Kind { get; set; }
    public required string Match { get; set; }

    /// <summary>"team", "component", "environment", or "shared" (the charge is shared by all teams).</summary>
    public required string Dimension { get; set; }

    /// <summary>
    /// The name to assign; empty for tag rules means the tag's own value (or what a prefix leaves, or a regex's first group).
    /// With a regex, <c>$1</c>, <c>$2</c>… are the pattern's groups: <c>Owner</c> matching <c>team-(.*)</c> → team <c>$1</c>.
    /// </summary>
    public string? Value { get; set; }

    /// <summary>For tag rules, how the tag's value must match <see cref="Pattern"/>: "exact", "prefix", "regex"; null matches any value.</summary>
    public string? ValueMatch { get; set; }
    public string? Pattern { get; set; }
}

internal sealed class CostAllocationRuleConfiguration : IEntityTypeConfiguration<CostAllocationRule>
{
    public void Configure(EntityTypeBuilder<CostAllocationRule> builder)
    {
        builder.ToTable("cost_allocation_rules");
        builder.Property(r => r.Kind).HasMaxLength(20);
        builder.Property(r => r.Dimension).HasMaxLength(20);
        builder.Property(r => r.Match).HasMaxLength(500);
        builder.Property(r => r.Value).HasMaxLength(200);
        builder.Property(r => r.ValueMatch).HasMaxLength(10);
        builder.Property(r => r.Pattern).HasMaxLength(500);
        builder.HasIndex(r => r.Position);
    }
}
