namespace Portal.Web.Features.Incidents;

/// <summary>The incident checklist every incident carries, in the order it is worked: triage, notify, mitigate, communicate, postmortem. Pure.</summary>
public static class IncidentChecklist
{
    public static readonly IReadOnlyList<(string Key, string Title)> Tasks =
    [
        ("triage", "Triage: confirm the impact and the severity"),
        ("notify", "Notify: the on-call person and the owners of the dependents"),
        ("mitigate", "Mitigate: stop the harm (roll back, fail over, scale)"),
        ("communicate", "Communicate: a status update to the people affected"),
        ("postmortem", "Postmortem: written, reviewed, action items owned"),
    ];

    public static bool IsTask(string key) => Tasks.Any(t => t.Key == key);

    /// <summary>The tasks with whether each is ticked.</summary>
    public static IReadOnlyList<IncidentTask> Of(IReadOnlyCollection<string> done) =>
        Tasks.Select(t => new IncidentTask(t.Key, t.Title, done.Contains(t.Key))).ToList();
}

/// <summary>One checklist task as the API shows it.</summary>
public sealed record IncidentTask(string Key, string Title, bool Done);
