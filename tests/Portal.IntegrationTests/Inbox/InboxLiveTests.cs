using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Portal.TestSupport;
using Portal.Web.Features.Inbox;

namespace Portal.IntegrationTests.Inbox;

/// <summary>
/// The bell's live signal (<see cref="InboxNotifier"/>), on the real database: a message sent in this process is
/// signalled after its commit, and one another replica committed is found by <see cref="InboxWatcher"/>.
/// </summary>
public sealed class InboxLiveTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_message_sent_here_signals_its_recipients_after_the_commit_and_their_count_already_includes_it()
    {
        var person = $"user:default/live-{Guid.NewGuid():N}";
        var notifier = factory.Services.GetRequiredService<InboxNotifier>();
        var queries = factory.Services.GetRequiredService<InboxQueries>();
        var countedAtSignal = new ConcurrentQueue<int>();
        void OnChanged(IReadOnlySet<string> who)
        {
            if (who.Contains(person))
            {
                // What a bell does on the signal: count again. The message must already be visible to another connection.
                countedAtSignal.Enqueue(queries.UnreadCountAsync(person, CancellationToken.None).GetAwaiter().GetResult());
            }
        }
        notifier.Changed += OnChanged;
        try
        {
            await factory.Services.GetRequiredService<InboxSender>().SendAsync([person], new InboxPayload("Deploy finished", null, null, InboxSeverity.Normal, null),
                "template:default/deploy", "test", CancellationToken.None);
            Assert.Contains(1, countedAtSignal);
        }
        finally
        {
            notifier.Changed -= OnChanged;
        }
    }

    [Fact]
    public async Task A_message_another_replica_committed_reaches_this_process_s_bells_through_the_watcher()
    {
        var person = $"user:default/other-{Guid.NewGuid():N}";
        var notifier = factory.Services.GetRequiredService<InboxNotifier>();
        var signalled = false;
        void OnChanged(IReadOnlySet<string> who) => signalled |= who.Contains(person);
        notifier.Changed += OnChanged;
        try
        {
            // Written straight to the table, as another replica's sender commits it: nothing in this process raised anything.
            await using (var db = await factory.DbAsync())
            {
                db.InboxMessages.Add(new InboxMessage { UserRef = person, Title = "From the other replica", Origin = "test", CreatedAt = DateTimeOffset.UtcNow });
                await db.SaveChangesAsync();
            }
            await Wait.UntilAsync(() => signalled, Patience, "the watcher to signal the other replica's message");
        }
        finally
        {
            notifier.Changed -= OnChanged;
        }
    }
}
