using System.ComponentModel.DataAnnotations;

namespace Portal.Web.Features.Inbox;

public sealed class InboxOptions
{
    public const string Section = "Portal:Inbox";

    /// <summary>
    /// How often each portal process looks for messages other replicas sent, to update its bells (the process that sends
    /// updates its own at once). One small query per process, however many people are signed in.
    /// </summary>
    [Range(1, 300)] public int LiveRefreshSeconds { get; set; } = 3;
}
