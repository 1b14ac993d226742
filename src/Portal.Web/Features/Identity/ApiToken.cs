using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Web.Features.Identity;

/// <summary>An API token. Only its SHA-256 hash is stored; the secret is shown once, at creation.</summary>
public sealed class ApiToken
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public required string Name { get; set; }
    public ApiTokenKind Kind { get; set; }

    /// <summary>The person a personal token acts for.</summary>
    public string? UserId { get; set; }

    /// <summary>The first characters of the secret, safe to show, to tell tokens apart.</summary>
    public required string Prefix { get; set; }
    public required string Hash { get; set; }
    public string[] Scopes { get; set; } = [];

    /// <summary>Services an slo:ingest token may send data for; empty means any.</summary>
    public string[] Services { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public string? RevokedBy { get; set; }

    public bool IsActive(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is null || ExpiresAt > now);
}

internal sealed class ApiTokenConfiguration : IEntityTypeConfiguration<ApiToken>
{
    public void Configure(EntityTypeBuilder<ApiToken> builder)
    {
        builder.ToTable("api_tokens");
        builder.HasKey(t => t.Id);
        builder.HasIndex(t => t.Hash).IsUnique();
        builder.HasIndex(t => t.UserId);
        builder.Property(t => t.Name).HasMaxLength(100);
        builder.Property(t => t.Prefix).HasMaxLength(16);
        builder.Property(t => t.Hash).HasMaxLength(64);
        builder.Property(t => t.Kind).HasConversion<string>().HasMaxLength(20);
    }
}
