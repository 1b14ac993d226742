using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;
using Portal.Web.Features.Identity;

namespace Portal.Web.Features.Environments;

/// <summary>The environments' part of the personal home: a person's live environments and the requests waiting for them.</summary>
public static class MyEnvironments
{
    /// <summary>Gone for good: no longer the person's business on the home.</summary>
    private static readonly EnvironmentStatus[] Ended = [EnvironmentStatus.Deleted, EnvironmentStatus.Rejected, EnvironmentStatus.Cancelled];

    /// <summary>
    /// Environments of the person's teams or requested by them that still exist, soonest expiry first (then those without
    /// one, newest first), and how many there are. An approver's or admin's wider view is not "mine".
    /// </summary>
    public static async Task<(IReadOnlyList<EnvironmentSummary> Items, int Total)> LiveAsync(PortalDbContext db, AccessFacts who, int limit,
        CancellationToken cancellationToken)
    {
        var teams = who.Teams.Select(t => t.ToLowerInvariant()).ToList();
        var mine = db.Environments.AsNoTracking()
            .Where(e => !Ended.Contains(e.Status) && (teams.Contains(e.OwnerTeam) || (who.UserId != null && e.RequestedById == who.UserId)));
        var total = await mine.CountAsync(cancellationToken);
        var items = await mine.OrderBy(e => e.ExpiresAt == null).ThenBy(e => e.ExpiresAt).ThenByDescending(e => e.RequestedAt).Take(limit)
            .ToListAsync(cancellationToken);
        return (items.Select(EnvironmentSummary.From).ToList(), total);
    }

    /// <summary>
    /// The requests waiting for a decision that this person may take (approvers and admins; never their own), oldest first,
    /// and how many there are; nothing for anyone else.
    /// </summary>
    public static async Task<(IReadOnlyList<EnvironmentSummary> Items, int Total)> AwaitingMyDecisionAsync(PortalDbContext db, AccessFacts who,
        int limit, CancellationToken cancellationToken)
    {
        if (!(who.IsApprover || who.IsAdmin) || who.UserId is null)
        {
            return ([], 0);
        }
        var pending = db.Environments.AsNoTracking().Where(e => e.Status == EnvironmentStatus.PendingApproval && e.RequestedById != who.UserId);
        var total = await pending.CountAsync(cancellationToken);
        var items = await pending.OrderBy(e => e.RequestedAt).Take(limit).ToListAsync(cancellationToken);
        return (items.Select(EnvironmentSummary.From).ToList(), total);
    }
}
