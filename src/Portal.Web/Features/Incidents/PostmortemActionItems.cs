using System.Globalization;
using System.Text;

namespace Portal.Web.Features.Incidents;

/// <summary>One postmortem action item: what, who (a user name or a team ref) and by when.</summary>
public sealed record PostmortemActionItem(string Action, string Owner, DateOnly? Due);

/// <summary>
/// The postmortem's "## Action items" section as items the page edits one by one, and back. The Markdown stays the one
/// stored form (the API and copies into documents read it), so the section is a table: | Action | Owner | Due |. Pure.
/// </summary>
public static class PostmortemActionItems
{
    public const string Heading = "## Action items";

    /// <summary>The Markdown without its action items section, and the section's rows (rows that are no table row are kept in the body).</summary>
    public static (string Body, List<PostmortemActionItem> Items) Split(string markdown)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        var lines = markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var start = Array.FindIndex(lines, l => l.TrimEnd().Equals(Heading, StringComparison.OrdinalIgnoreCase));
        if (start < 0)
        {
            return (markdown, []);
        }
        var end = start + 1;
        while (end < lines.Length && !lines[end].StartsWith("## ", StringComparison.Ordinal))
        {
            end++;
        }
        var items = new List<PostmortemActionItem>();
        var kept = new List<string>();
        foreach (var line in lines[(start + 1)..end])
        {
            var cells = Cells(line);
            if (cells is null)
            {
                if (line.Trim().Length > 0)
                {
                    kept.Add(line); // prose under the heading is the author's; it stays in the body
                }
                continue;
            }
            if (cells.Count == 0 || cells[0].Equals("Action", StringComparison.OrdinalIgnoreCase) || cells.All(c => c.Trim('-', ':', ' ').Length == 0))
            {
                continue; // header or separator row
            }
            var due = cells.Count > 2 && DateOnly.TryParseExact(cells[2], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : (DateOnly?)null;
            items.Add(new PostmortemActionItem(cells[0], cells.Count > 1 ? cells[1] : "", due));
        }
        var body = lines[..start].Concat(kept).Concat(lines[end..]).ToList();
        while (body.Count > 0 && body[^1].Trim().Length == 0)
        {
            body.RemoveAt(body.Count - 1);
        }
        return (string.Join('\n', body), items);
    }

    /// <summary>The body with the action items section appended (items without an action are dropped).</summary>
    public static string Join(string body, IEnumerable<PostmortemActionItem> items)
    {
        ArgumentNullException.ThrowIfNull(body);
        var md = new StringBuilder(body.TrimEnd()).Append("\n\n").Append(Heading).Append("\n\n| Action | Owner | Due |\n| --- | --- | --- |\n");
        foreach (var item in items.Where(i => !string.IsNullOrWhiteSpace(i.Action)))
        {
            md.Append("| ").Append(Cell(item.Action)).Append(" | ").Append(Cell(item.Owner)).Append(" | ")
                .Append(item.Due?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "").Append(" |\n");
        }
        return md.ToString();
    }

    // A row is "| a | b | c |"; "\|" is a pipe inside a cell.
    private static List<string>? Cells(string line)
    {
        var trimmed = line.Trim();
        if (!trimmed.StartsWith('|'))
        {
            return null;
        }
        var cells = new List<string>();
        var cell = new StringBuilder();
        for (var i = 1; i < trimmed.Length; i++)
        {
            if (trimmed[i] == '\\' && i + 1 < trimmed.Length && trimmed[i + 1] == '|')
            {
                cell.Append('|');
                i++;
            }
            else if (trimmed[i] == '|')
            {
                cells.Add(cell.ToString().Trim());
                cell.Clear();
            }
            else
            {
                cell.Append(trimmed[i]);
            }
        }
        if (cell.ToString().Trim().Length > 0)
        {
            cells.Add(cell.ToString().Trim());
        }
        return cells;
    }

    private static string Cell(string text) => text.Trim().Replace("\r", " ", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal)
        .Replace("|", "\\|", StringComparison.Ordinal);
}
