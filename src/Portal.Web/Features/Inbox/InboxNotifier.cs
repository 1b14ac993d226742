namespace Portal.Web.Features.Inbox;

/// <summary>
/// Tells the bells of this portal process that some people's inboxes changed, so they count again at once (a bell
/// subscribes per circuit and unsubscribes when it is disposed). Raised by <see cref="InboxSender"/> after its commit,
/// by the inbox page when someone marks messages, and by <see cref="InboxWatcher"/> for messages another replica sent.
/// </summary>
public sealed class InboxNotifier
{
    public event Action<IReadOnlySet<string>>? Changed;

    public void Raise(IEnumerable<string?> userRefs)
    {
        var people = userRefs.OfType<string>().ToHashSet(StringComparer.Ordinal);
        if (people.Count > 0)
        {
            Changed?.Invoke(people);
        }
    }
}
