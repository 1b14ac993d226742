using System.Text.RegularExpressions;

namespace Portal.Web.Features.Incidents.Pages;

/// <summary>
/// Splits a stored timeline line into plain text and the entities it names, so the page can show names (with the ref
/// on hover) while the stored text, the API and the postmortem keep the refs: full refs (<c>component:default/x</c>)
/// and the user paged in "Paged ana.silva," / "paged ana.silva." as <see cref="OnCallQueries.Page"/> writes them.
/// </summary>
public static partial class IncidentText
{
    /// <summary>A run of text, or an entity (<see cref="Ref"/> set, <see cref="Text"/> as stored).</summary>
    public sealed record Segment(string Text, string? Ref);

    public static IReadOnlyList<Segment> Split(string text)
    {
        var segments = new List<Segment>();
        var at = 0;
        foreach (Match match in Pattern().Matches(text))
        {
            var group = match.Groups["ref"].Success ? match.Groups["ref"] : match.Groups["user"];
            if (group.Index > at)
            {
                segments.Add(new Segment(text[at..group.Index], null));
            }
            var entityRef = match.Groups["ref"].Success ? group.Value : $"user:default/{group.Value}";
            segments.Add(new Segment(group.Value, entityRef.ToLowerInvariant()));
            at = group.Index + group.Length;
        }
        if (at < text.Length)
        {
            segments.Add(new Segment(text[at..], null));
        }
        return segments;
    }

    // A ref's name may hold dots but does not end in one (the sentence's full stop); a paged user ends before ", " or a final ".".
    [GeneratedRegex(@"\b(?<ref>(?:component|group|user|system|domain|api|resource):[a-z0-9][a-z0-9._-]*/[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?)|\b[Pp]aged (?<user>[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?)(?=,|\.?$)",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Pattern();
}
