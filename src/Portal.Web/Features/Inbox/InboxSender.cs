using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;

namespace Portal.Web.Features.Inbox;

/// <summary>Puts notifications into people's inboxes (what <c>notification:send</c> calls).</summary>
public sealed class InboxSender(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time, InboxNotifier notifier)
{
    public const int MaxTitle = 200;
    public const int MaxInfo = 2000;
    public const int MaxLink = 1000;
    public const int MaxScope = 200;
    public const int MaxSender = 400;

    /// <summary>At most this many people receive one notification (a broadcast on a very large catalog stops here).</summary>
    public const int MaxRecipients = 10_000;

    /// <summary>What is wrong with a payload, in the words of its fields; empty when it can be sent.</summary>
    public static IReadOnlyList<string> Problems(InboxPayload payload)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(payload.Title))
        {
            problems.Add("the title is empty.");
        }
        else if (payload.Title.Length > MaxTitle)
        {
            problems.Add($"the title is longer than {MaxTitle} characters.");
        }
        if (payload.Info is { Length: > MaxInfo })
        {
            problems.Add($"info is longer than {MaxInfo} characters.");
        }
        if (payload.Link is { } link && (link.Length > MaxLink || !IsSafeLink(link)))
        {
            problems.Add($"the link must be a portal path (/catalog/...) or an http(s) URL of at most {MaxLink} characters.");
        }
        if (!InboxSeverity.All.Contains(payload.Severity))
        {
            problems.Add($"the severity '{payload.Severity}' is not one of {string.Join(", ", InboxSeverity.All)}.");
        }
        if (payload.Scope is { Length: > MaxScope })
        {
            problems.Add($"the scope is longer than {MaxScope} characters.");
        }
        return problems;
    }

    /// <summary>A link the inbox may show: a path of this portal, or an absolute http(s) URL (never javascript: and the like).</summary>
    public static bool IsSafeLink(string link) =>
        Infrastructure.Web.SafeUrl.IsSafe(link) // no control characters: browsers drop them, so "/\t/evil" would open //evil
        && ((link.StartsWith('/') && !link.StartsWith("//", StringComparison.Ordinal) && !link.Contains('\\'))
            || (Uri.TryCreate(link, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"));

    /// <summary>Every person in the catalog, or the people <paramref name="entityRefs"/> stand for (see <see cref="CatalogPeople"/>).</summary>
    public async Task<(IReadOnlyList<string> People, IReadOnlyList<string> Unknown)> RecipientsAsync(bool broadcast, IEnumerable<string> entityRefs,
        CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (broadcast)
        {
            return (await CatalogPeople.EveryoneAsync(db, MaxRecipients, cancellationToken), []);
        }
        var (people, unknown) = await CatalogPeople.ResolveAsync(db, entityRefs, cancellationToken);
        return (people.Take(MaxRecipients).ToList(), unknown);
    }

    /// <summary>
    /// Delivers <paramref name="payload"/> to each of <paramref name="userRefs"/>; with a scope, a person's earlier message of
    /// that scope from the same <paramref name="sender"/> (the template) is replaced and unread again. A scope belongs to its
    /// sender: another template's message with the same scope is a new message and never replaces this one. Returns how many
    /// people it reached.
    /// </summary>
    public async Task<int> SendAsync(IReadOnlyCollection<string> userRefs, InboxPayload payload, string sender, string origin, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sender);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sender.Length, MaxSender);
        if (userRefs.Count == 0)
        {
            return 0;
        }
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        var existing = payload.Scope is null ? []
            : await db.InboxMessages.Where(m => m.Scope == payload.Scope && m.Sender == sender && userRefs.Contains(m.UserRef)).ToListAsync(cancellationToken);
        var byUser = existing.GroupBy(m => m.UserRef).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        foreach (var userRef in userRefs)
        {
            if (byUser.TryGetValue(userRef, out var message))
            {
                message.Title = payload.Title;
                message.Info = payload.Info;
                message.Link = payload.Link;
                message.Severity = payload.Severity;
                message.Origin = origin;
                message.CreatedAt = now;
                message.ReadAt = null;
                continue;
            }
            db.InboxMessages.Add(new InboxMessage
            {
                UserRef = userRef, Title = payload.Title, Info = payload.Info, Link = payload.Link, Severity = payload.Severity,
                Scope = payload.Scope, Sender = sender, Origin = origin, CreatedAt = now,
            });
        }
        await db.SaveChangesAsync(cancellationToken);
        // After the commit: a bell that counts now sees the new messages.
        notifier.Raise(userRefs);
        return userRefs.Count;
    }
}
