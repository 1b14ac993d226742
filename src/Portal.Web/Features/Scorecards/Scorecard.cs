using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Web.Features.Scorecards;

/// <summary>
/// A stored scorecard: its YAML is the truth (what export returns, what evaluation parses); name, title, owner and
/// enabled are copied out for lists and filters. Built-in ones are seeded once and may then be edited or disabled.
/// </summary>
public sealed class Scorecard
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    public required string Title { get; set; }
    public required string Owner { get; set; }
    public bool Enabled { get; set; }
    public bool BuiltIn { get; set; }
    public required string Yaml { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public required string UpdatedBy { get; set; }

    /// <summary>
    /// The catalog entity this scorecard is read from (<c>scorecard:default/runbooks</c>), kept in step with it at each
    /// catalog change; null when made in the portal (editor, API import, built-in). One from the catalog is changed in git only.
    /// </summary>
    public string? Source { get; set; }
}

internal sealed class ScorecardConfiguration : IEntityTypeConfiguration<Scorecard>
{
    public void Configure(EntityTypeBuilder<Scorecard> builder)
    {
        builder.ToTable("scorecards");
        builder.HasKey(s => s.Id);
        builder.HasIndex(s => s.Name).IsUnique();
        builder.Property(s => s.Name).HasMaxLength(63);
        builder.Property(s => s.Title).HasMaxLength(200);
        builder.Property(s => s.Owner).HasMaxLength(400);
        builder.Property(s => s.Yaml).HasMaxLength(ScorecardYaml.MaxBytes);
        builder.Property(s => s.UpdatedBy).HasMaxLength(200);
        builder.Property(s => s.Source).HasMaxLength(400);
    }
}
