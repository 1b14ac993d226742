namespace Portal.Web.Features.Inbox;

/// <summary>Backstage's notification severities.</summary>
public static class InboxSeverity
{
    public const string Low = "low";
    public const string Normal = "normal";
    public const string High = "high";
    public const string Critical = "critical";

    public static readonly IReadOnlyList<string> All = [Low, Normal, High, Critical];
}
