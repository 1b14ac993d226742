using System.Globalization;
using System.Text;

namespace Portal.Web.Features.Incidents;

/// <summary>
/// The postmortem draft: a Markdown template with what the portal knows filled in (the facts, the times to acknowledge and
/// resolve, the dependents, the whole timeline) and action items with owners and due dates to complete. Pure.
/// </summary>
public static class IncidentPostmortem
{
    public const int MaxLength = 100_000;

    /// <summary>Action items are due this long after the incident resolved (or opened, while it is open).</summary>
    public static readonly TimeSpan ActionItemsDue = TimeSpan.FromDays(14);

    public static string Draft(IncidentView incident)
    {
        ArgumentNullException.ThrowIfNull(incident);
        var md = new StringBuilder();
        md.Append("# Postmortem: ").AppendLine(Cell(incident.Title)).AppendLine();
        md.AppendLine("| | |").AppendLine("| --- | --- |");
        Row(md, "Component", incident.Component);
        Row(md, "Owner", incident.Owner ?? "none");
        Row(md, "SLO", incident.Slo ?? "none");
        Row(md, "Severity", incident.Severity);
        Row(md, "Status", incident.Status);
        Row(md, "Runbook", incident.Runbook ?? "none");
        Row(md, "Triggered", Time(incident.TriggeredAt));
        Row(md, "Acknowledged", incident.AcknowledgedAt is { } ack ? $"{Time(ack)} by {incident.AcknowledgedBy} ({Duration(incident.SecondsToAcknowledge)} to acknowledge)" : "not yet");
        Row(md, "Resolved", incident.ResolvedAt is { } res ? $"{Time(res)} by {incident.ResolvedBy} ({Duration(incident.SecondsToResolve)} to resolve)" : "not yet");
        Row(md, "Last paged", incident.OnCall is null ? "nobody (the team has no on-call schedule)" : $"{incident.OnCall} (layer {incident.EscalationLevel + 1})");
        md.AppendLine();
        md.AppendLine("## Summary").AppendLine().AppendLine("_What happened and who noticed, in two or three sentences._").AppendLine();
        md.AppendLine("## Impact").AppendLine();
        md.Append("- Affected: ").AppendLine(incident.Component);
        md.Append("- Dependents (from the catalog): ").AppendLine(incident.Dependents.Count == 0 ? "none known" : string.Join(", ", incident.Dependents));
        md.AppendLine("- Users and requests affected: _fill in_").AppendLine();
        md.AppendLine("## Timeline (UTC)").AppendLine().AppendLine("| Time | Who | What |").AppendLine("| --- | --- | --- |");
        foreach (var entry in incident.Timeline)
        {
            md.Append("| ").Append(Time(entry.At)).Append(" | ").Append(Cell(entry.Actor)).Append(" | ").Append(Cell(entry.Text)).AppendLine(" |");
        }
        md.AppendLine();
        md.AppendLine("## Root cause").AppendLine().AppendLine("_Why it happened; ask why until the answer is something to change._").AppendLine();
        md.AppendLine("## What went well, what did not").AppendLine().AppendLine("_Detection, paging, the runbook, the fix._").AppendLine();
        var due = (incident.ResolvedAt ?? incident.TriggeredAt).Add(ActionItemsDue).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var owner = incident.Owner ?? "_owner_";
        md.AppendLine("## Action items").AppendLine().AppendLine("| Action | Owner | Due |").AppendLine("| --- | --- | --- |");
        md.Append("| Fix the root cause | ").Append(owner).Append(" | ").Append(due).AppendLine(" |");
        md.Append("| Alert earlier or page less (review the SLO's rules) | ").Append(owner).Append(" | ").Append(due).AppendLine(" |");
        md.Append("| Update the runbook with what helped | ").Append(owner).Append(" | ").Append(due).AppendLine(" |");
        return md.ToString();
    }

    private static void Row(StringBuilder md, string name, string value) => md.Append("| ").Append(name).Append(" | ").Append(Cell(value)).AppendLine(" |");

    // A table cell holds one line, and a pipe would end it.
    private static string Cell(string text) => text.Replace("\r", " ", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal)
        .Replace("|", "\\|", StringComparison.Ordinal);

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>Seconds as people read them: 45 s, 4 min, 1 h 5 min.</summary>
    public static string Duration(long? seconds) => seconds switch
    {
        null => "-",
        < 60 => $"{seconds} s",
        < 3600 => $"{seconds / 60} min" + (seconds % 60 == 0 ? "" : $" {seconds % 60} s"),
        _ => $"{seconds / 3600} h" + (seconds % 3600 / 60 == 0 ? "" : $" {seconds % 3600 / 60} min"),
    };
}
