using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Web.Data;
using Portal.Web.Infrastructure.Jobs;

namespace Portal.Web.Features.Inbox;

/// <summary>
/// Brings messages another replica sent (a template task runs on any replica) to this process's bells: every
/// <see cref="InboxOptions.LiveRefreshSeconds"/> it reads who received messages since the last look and raises
/// <see cref="InboxNotifier"/> for them. It polls the database as the task and environment pages do for their live
/// progress; the portal has no other cross-replica signal.
/// </summary>
public sealed class InboxWatcher(IDbContextFactory<PortalDbContext> dbFactory, InboxNotifier notifier, TimeProvider time,
    IOptions<InboxOptions> options, ILogger<InboxWatcher> logger)
    : PeriodicService(TimeSpan.FromSeconds(options.Value.LiveRefreshSeconds), logger)
{
    /// <summary>How far back each look reaches before the newest message seen: a transaction that began earlier may commit later.</summary>
    public static readonly TimeSpan Overlap = TimeSpan.FromSeconds(30);

    private DateTimeOffset? _newest;

    protected override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var since = (_newest ?? time.GetUtcNow()) - Overlap;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var arrived = await db.InboxMessages.AsNoTracking().Where(m => m.CreatedAt > since)
            .GroupBy(m => m.UserRef).Select(g => new { UserRef = g.Key, Newest = g.Max(m => m.CreatedAt) })
            .Take(InboxSender.MaxRecipients).ToListAsync(cancellationToken);
        if (arrived.Count > 0)
        {
            var newest = arrived.Max(a => a.Newest);
            _newest = _newest is { } seen && seen > newest ? seen : newest;
        }
        else
        {
            _newest ??= since + Overlap;
        }
        notifier.Raise(arrived.Select(a => a.UserRef));
    }
}
