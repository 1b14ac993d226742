namespace Portal.Web.Features.Incidents;

/// <summary>
/// How many incidents one person may declare by hand in a rolling hour (<c>Portal:Incidents:MaxDeclarationsPerHour</c>,
/// security review F6). Anyone who may write declares on any team's component, as in PagerDuty; the limit keeps one person
/// from paging a team endlessly. Counted from the stored incidents they declared, so it holds across restarts and replicas.
/// Incidents that alerts open are not declarations and are never counted.
/// </summary>
public static class DeclarationRate
{
    public const string Setting = "Portal:Incidents:MaxDeclarationsPerHour";

    public static readonly TimeSpan Window = TimeSpan.FromHours(1);

    /// <summary>
    /// The refusal when the person's declarations at <paramref name="declaredAt"/> (those within the window before
    /// <paramref name="now"/>) already reach <paramref name="max"/>; null when one more may be declared. Retry-After is when
    /// enough of them have left the window for one more, in whole seconds (at least 1).
    /// </summary>
    public static DeclarationRefusal? Check(IReadOnlyCollection<DateTimeOffset> declaredAt, int max, DateTimeOffset now)
    {
        var recent = declaredAt.Where(at => at > now - Window).Order().ToList();
        if (recent.Count < max)
        {
            return null;
        }
        var freeAt = recent[recent.Count - max] + Window;
        var seconds = Math.Max(1, (int)Math.Ceiling((freeAt - now).TotalSeconds));
        var minutes = (int)Math.Ceiling(seconds / 60.0);
        return new DeclarationRefusal(max, recent.Count, seconds,
            $"You have declared {recent.Count} {(recent.Count == 1 ? "incident" : "incidents")} in the last hour; one person may declare at most {max} an hour ({Setting}). "
            + $"You can declare the next one in {minutes} {(minutes == 1 ? "minute" : "minutes")}.");
    }
}

/// <summary>A declaration refused by <see cref="DeclarationRate"/>: the limit, how many the person declared in the hour, when to try again, and the message.</summary>
public sealed record DeclarationRefusal(int Max, int Declared, int RetryAfterSeconds, string Message);
