using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;
using Portal.Web.Infrastructure.Notifications;

namespace Portal.Web.Features.Scorecards;

/// <summary>
/// Reminds the teams still behind on a campaign through the notification webhook: weekly, and 7, 3, 1 and 0 days before
/// the deadline. Idempotent within a day (a campaign remembers the day it last reminded).
/// </summary>
public sealed class CampaignReminderJob(IDbContextFactory<PortalDbContext> dbFactory, WebhookNotifier notifier, TimeProvider time,
    ILogger<CampaignReminderJob> logger)
{
    public const string RecurringId = "scorecard-campaign-reminders";

    [Hangfire.AutomaticRetry(Attempts = 1)]
    [Hangfire.DisableConcurrentExecution(600)]
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var sent = await CampaignCommands.RemindAsync(db, notifier, time.GetUtcNow(), cancellationToken);
        if (sent > 0)
        {
            logger.LogInformation("Sent {Count} campaign reminders", sent);
        }
        return sent;
    }
}
