namespace Portal.Web.Features.Templates;

/// <summary>
/// How many unfinished (queued or running) tasks one person may have at once (<c>Portal:Templates:MaxActiveTasksPerUser</c>,
/// security review F5): a run is work on the shared job queue and usually outside the portal (repositories, the catalog,
/// inboxes), so one member cannot fill the queue. Dry runs create no task and are not counted.
/// </summary>
public static class ActiveTaskLimit
{
    public const string Setting = "Portal:Templates:MaxActiveTasksPerUser";

    /// <summary>What <c>Retry-After</c> says: a run takes seconds to minutes, so a little later.</summary>
    public const int RetryAfterSeconds = 30;

    /// <summary>The refusal when <paramref name="active"/> unfinished tasks already reach <paramref name="max"/>; null when one more may start.</summary>
    public static ActiveTasksRefusal? Check(int active, int max) => active < max ? null : new ActiveTasksRefusal(max, active,
        $"You have {active} template {(active == 1 ? "run" : "runs")} queued or running; one person may have at most {max} at once ({Setting}). "
        + "Wait until one finishes, or cancel one, then try again.");
}

/// <summary>A run refused because its person has too many unfinished ones: the limit, how many there are, and the message to show.</summary>
public sealed record ActiveTasksRefusal(int Max, int Active, string Message);
