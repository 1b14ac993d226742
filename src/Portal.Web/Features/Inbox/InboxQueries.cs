using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;

namespace Portal.Web.Features.Inbox;

/// <summary>A person's inbox: what the bell counts, the list page shows and marks read. Only ever their own messages.</summary>
public sealed class InboxQueries(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time)
{
    public const int PageSize = 50;

    public async Task<int> UnreadCountAsync(string? userRef, CancellationToken cancellationToken)
    {
        if (userRef is null)
        {
            return 0;
        }
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.InboxMessages.CountAsync(m => m.UserRef == userRef && m.ReadAt == null, cancellationToken);
    }

    /// <summary>Newest first, at most <paramref name="take"/>.</summary>
    public async Task<IReadOnlyList<InboxMessage>> ListAsync(string? userRef, bool unreadOnly, int take, CancellationToken cancellationToken)
    {
        if (userRef is null)
        {
            return [];
        }
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = db.InboxMessages.AsNoTracking().Where(m => m.UserRef == userRef);
        if (unreadOnly)
        {
            query = query.Where(m => m.ReadAt == null);
        }
        return await query.OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id).Take(Math.Clamp(take, 1, 200)).ToListAsync(cancellationToken);
    }

    /// <summary>Marks one message (or, with no id, all) of this person read or unread.</summary>
    public async Task<int> MarkAsync(string? userRef, Guid? id, bool read, CancellationToken cancellationToken)
    {
        if (userRef is null)
        {
            return 0;
        }
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = db.InboxMessages.Where(m => m.UserRef == userRef);
        if (id is { } one)
        {
            query = query.Where(m => m.Id == one);
        }
        DateTimeOffset? at = read ? time.GetUtcNow() : null;
        return read
            ? await query.Where(m => m.ReadAt == null).ExecuteUpdateAsync(s => s.SetProperty(m => m.ReadAt, at), cancellationToken)
            : await query.ExecuteUpdateAsync(s => s.SetProperty(m => m.ReadAt, at), cancellationToken);
    }
}
