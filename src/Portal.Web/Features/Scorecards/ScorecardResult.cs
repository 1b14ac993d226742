using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Web.Features.Scorecards;

/// <summary>
/// A scorecard's current verdict on one entity, rewritten only when it changes (<see cref="Hash"/>). The rules' findings
/// are kept as facts in small columns (<see cref="StoredFindings"/>); the sentences are derived when read.
/// </summary>
public sealed class ScorecardResult
{
    public Guid ScorecardId { get; set; }
    public required string EntityRef { get; set; }
    public required string Kind { get; set; }
    public string? Owner { get; set; }
    public int LevelIndex { get; set; }
    public string? Level { get; set; }
    public int Passed { get; set; }
    public int Failed { get; set; }
    public int NoData { get; set; }
    public int Total { get; set; }

    /// <summary>One character per rule in the scorecard's order: p, f, n (see <see cref="StoredFindings"/>).</summary>
    public required string Outcomes { get; set; }

    /// <summary>The facts per rule (a count, a percentage, a time); null when no rule has one.</summary>
    public string?[]? RuleValues { get; set; }

    /// <summary>Which version of the scorecard's rules <see cref="Outcomes"/> belongs to (<see cref="StoredFindings.RulesKey"/>).</summary>
    public required string RulesKey { get; set; }

    /// <summary>Of everything stored (findings, level, owner, rules key): unchanged rows are not rewritten.</summary>
    public required string Hash { get; set; }

    /// <summary>Of the level and which rules pass: a change adds a <see cref="ScorecardHistory"/> row.</summary>
    public required string StateHash { get; set; }
    public DateTimeOffset ChangedAt { get; set; }
}

internal sealed class ScorecardResultConfiguration : IEntityTypeConfiguration<ScorecardResult>
{
    public void Configure(EntityTypeBuilder<ScorecardResult> builder)
    {
        builder.ToTable("scorecard_results");
        builder.HasKey(r => new { r.ScorecardId, r.EntityRef });
        builder.HasIndex(r => new { r.Owner, r.ScorecardId });
        builder.HasIndex(r => r.EntityRef);
        builder.Property(r => r.EntityRef).HasMaxLength(400);
        builder.Property(r => r.Kind).HasMaxLength(63);
        builder.Property(r => r.Owner).HasMaxLength(400);
        builder.Property(r => r.Level).HasMaxLength(63);
        builder.Property(r => r.Outcomes).HasMaxLength(ScorecardYaml.MaxRules);
        builder.Property(r => r.RulesKey).HasMaxLength(12);
        builder.Property(r => r.Hash).HasMaxLength(32);
        builder.Property(r => r.StateHash).HasMaxLength(32);
    }
}
