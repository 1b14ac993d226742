namespace Portal.Web.Features.Incidents;

/// <summary>Which maintenance windows cover an alert, and what a window may be. Pure.</summary>
public static class MaintenanceRules
{
    public static readonly TimeSpan MaxLength = TimeSpan.FromDays(31);

    /// <summary>Whether a window covers a component (owned by <paramref name="team"/>) at an instant: its own, its team's, or a global one; the end is excluded.</summary>
    public static bool Covers(MaintenanceWindow window, string componentRef, string? team, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(window);
        return window.StartsAt <= at && at < window.EndsAt
            && (window.ComponentRef is null && window.Team is null
                || string.Equals(window.ComponentRef, componentRef, StringComparison.Ordinal)
                || window.Team is not null && string.Equals(window.Team, team, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The problems of a window as sent (times already defaulted), by field; empty when it is fine.</summary>
    public static Dictionary<string, string[]> Problems(MaintenanceRequest request, DateTimeOffset startsAt, DateTimeOffset endsAt, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        var problems = new Dictionary<string, string[]>();
        if (request.Component is not null && request.Team is not null)
        {
            problems["component"] = ["Give a component, a team, or neither (global), not both."];
        }
        if (request.Component is { Length: 0 or > 400 })
        {
            problems["component"] = ["component is a component's name or ref."];
        }
        if (request.Team is not null && (request.Team.Length > 400 || !request.Team.StartsWith("group:", StringComparison.OrdinalIgnoreCase)))
        {
            problems["team"] = ["team is a group ref such as group:default/payments."];
        }
        if (string.IsNullOrWhiteSpace(request.Reason) || request.Reason.Length > 500)
        {
            problems["reason"] = ["reason is 1-500 characters: what is being done."];
        }
        if (endsAt <= startsAt)
        {
            problems["endsAt"] = ["endsAt is after startsAt."];
        }
        else if (endsAt - startsAt > MaxLength)
        {
            problems["endsAt"] = ["A window lasts at most 31 days."];
        }
        else if (endsAt <= now)
        {
            problems["endsAt"] = ["endsAt is in the past: the window would cover nothing."];
        }
        return problems;
    }
}

/// <summary>A window as sent to <c>POST /api/maintenance-windows</c>: no start is now (ad hoc), and either <c>endsAt</c> or <c>minutes</c>.</summary>
public sealed record MaintenanceRequest(string? Component, string? Team, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, int? Minutes, string? Reason);
