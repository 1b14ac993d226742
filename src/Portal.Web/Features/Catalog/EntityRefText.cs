using System.Text.RegularExpressions;

namespace Portal.Web.Features.Catalog;

/// <summary>
/// Splits stored text (a scorecard rule's explanation, a fact's value) into plain runs and the full entity refs it names
/// (<c>group:default/payments</c>), so pages can show names with the ref on hover while the stored text keeps refs.
/// </summary>
public static partial class EntityRefText
{
    /// <summary>A run of text, or an entity (<see cref="Ref"/> set, lower case; <see cref="Text"/> as written).</summary>
    public sealed record Segment(string Text, string? Ref);

    public static IReadOnlyList<Segment> Split(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return [];
        }
        var segments = new List<Segment>();
        var at = 0;
        foreach (Match match in FullRef().Matches(text))
        {
            if (match.Index > at)
            {
                segments.Add(new Segment(text[at..match.Index], null));
            }
            segments.Add(new Segment(match.Value, match.Value.ToLowerInvariant()));
            at = match.Index + match.Length;
        }
        if (at < text.Length)
        {
            segments.Add(new Segment(text[at..], null));
        }
        return segments;
    }

    // The catalog's kinds; a name may hold dots but does not end in one (a sentence's full stop).
    [GeneratedRegex(@"\b(?:component|group|user|system|domain|api|resource|location|template):[a-z0-9][a-z0-9._-]*/[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex FullRef();
}
