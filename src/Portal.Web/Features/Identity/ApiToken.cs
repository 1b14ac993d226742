using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Web.Features.Identity;

public enum ApiTokenKind
{
    /// <summary>Acts for the person who created it, limited by its scopes.</summary>
    Personal,

    /// <summary>For automation (CI, OTLP exporters); created by admins, owned by nobody.</summary>
    Service,
}

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

/// <summary>Token secrets: <c>ptk_</c> + 32 random bytes (base64url). High entropy, so a fast hash is enough.</summary>
public static class ApiTokenSecret
{
    public const string Marker = "ptk_";

    public static string New() => Marker + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    public static string Prefix(string secret) => secret[..Math.Min(secret.Length, Marker.Length + 6)];

    /// <summary>Compares in constant time, for the configured bootstrap token.</summary>
    public static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
