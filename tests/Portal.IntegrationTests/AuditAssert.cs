using Microsoft.EntityFrameworkCore;
using Portal.Web.Features.Identity;

namespace Portal.IntegrationTests;

/// <summary>Shared by feature tests: a mutation they made must be in the audit log.</summary>
public static class AuditAssert
{
    public static async Task<AuditEntry> RecordedAsync(PortalAppFactory factory, string action, string? target, string actor, string outcome = "success")
    {
        await using var db = await factory.DbAsync();
        var entry = await db.AuditEntries.AsNoTracking()
            .Where(e => e.Action == action && e.Target == target && e.Outcome == outcome && e.Actor.StartsWith(actor))
            .OrderByDescending(e => e.Id).FirstOrDefaultAsync();
        var recent = await db.AuditEntries.AsNoTracking().OrderByDescending(e => e.Id).Take(10)
            .Select(e => $"{e.Action} {e.Target} {e.Actor} {e.Outcome}").ToListAsync();
        Assert.True(entry is not null, $"No audit entry {action} {target} by {actor} ({outcome}). Latest:\n{string.Join('\n', recent)}");
        return entry!;
    }
}
