using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Web.Features.Identity;

/// <summary>
/// One append-only record of a change: who, what, when, from where, outcome and a before/after
/// diff. A database trigger refuses UPDATE and DELETE, so the application cannot rewrite history.
/// </summary>
public sealed class AuditEntry
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }

    /// <summary>"user", "token" or "system".</summary>
    public required string ActorType { get; set; }
    public required string Actor { get; set; }
    public required string Action { get; set; }
    public string? Target { get; set; }

    /// <summary>"success", "denied" or "failed".</summary>
    public required string Outcome { get; set; }
    public string? Ip { get; set; }
    public JsonDocument? Changes { get; set; }
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.ToTable("audit_entries");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).UseIdentityAlwaysColumn();
        builder.HasIndex(a => a.At);
        builder.HasIndex(a => new { a.Actor, a.At });
        builder.HasIndex(a => new { a.Action, a.At });
        builder.HasIndex(a => new { a.Target, a.At });
        builder.Property(a => a.Changes).HasColumnType("jsonb");
        builder.Property(a => a.Actor).HasMaxLength(256);
        builder.Property(a => a.Action).HasMaxLength(100);
        builder.Property(a => a.Target).HasMaxLength(400);
        builder.Property(a => a.ActorType).HasMaxLength(10);
        builder.Property(a => a.Outcome).HasMaxLength(10);
        builder.Property(a => a.Ip).HasMaxLength(64);
    }
}
