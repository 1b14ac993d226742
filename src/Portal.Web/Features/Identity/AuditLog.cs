using System.Text.Json;
using Portal.Web.Data;

namespace Portal.Web.Features.Identity;

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
