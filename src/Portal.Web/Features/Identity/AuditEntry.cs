using System.Security.Claims;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Web.Data;

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

/// <summary>Who is acting, as the audit log names them.</summary>
public sealed record AuditActor(string Type, string Name, string? Ip)
{
    public static readonly AuditActor System = new("system", "portal", null);

    public static AuditActor From(ClaimsPrincipal user, string? ip)
    {
        if (user.FindFirst(PortalClaims.TokenId) is { } token)
        {
            return new AuditActor("token", $"{user.Identity?.Name} ({token.Value})", ip);
        }
        return new AuditActor("user", user.Identity?.Name ?? "anonymous", ip);
    }

    public static AuditActor From(HttpContext context) => From(context.User, context.Connection.RemoteIpAddress?.ToString());
}

public static class AuditLog
{
    /// <summary>
    /// Adds an entry to the context; it is saved with the change it describes (same SaveChanges,
    /// same transaction), so a change is never without its record.
    /// </summary>
    public static void Record(PortalDbContext db, AuditActor actor, string action, string? target, string outcome = "success",
        object? before = null, object? after = null)
    {
        db.AuditEntries.Add(new AuditEntry
        {
            At = DateTimeOffset.UtcNow,
            ActorType = actor.Type,
            Actor = actor.Name,
            Action = action,
            Target = target,
            Outcome = outcome,
            Ip = actor.Ip,
            Changes = before is null && after is null ? null : JsonSerializer.SerializeToDocument(new { before, after }),
        });
    }

    /// <summary>Records and saves on its own, for refusals and failures that change nothing else.</summary>
    public static async Task WriteAsync(PortalDbContext db, AuditActor actor, string action, string? target, string outcome,
        CancellationToken cancellationToken)
    {
        Record(db, actor, action, target, outcome);
        await db.SaveChangesAsync(cancellationToken);
    }
}
