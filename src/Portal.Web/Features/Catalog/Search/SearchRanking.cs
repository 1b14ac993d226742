namespace Portal.Web.Features.Catalog.Search;

/// <summary>One entity that matched a search, with what ranking looks at.</summary>
public sealed record RankCandidate(Guid Id, string Ref, string Kind, string Name, string? Title);

/// <summary>
/// How search results are ordered, for the search page and the app bar alike: what people typed as the
/// whole name first, then the name's first word, then a name that starts with it, then the term as a
/// word elsewhere in the name, then everything else the full-text search found (description, typos).
/// Ties go to the kinds people look for most, then the shorter name. Names compare with separators
/// (<c>- _ . /</c>) read as spaces, so "payment gateway" is the whole name <c>payment-gateway</c>.
/// </summary>
public static class SearchRanking
{
    public const int ExactName = 0;
    public const int FirstWord = 1;
    public const int NamePrefix = 2;
    public const int WordInName = 3;
    public const int WordPrefixInName = 4;
    public const int TextMatch = 5;

    /// <summary>The rank class of one candidate for <paramref name="term"/> (lower is better): the best of its name and title.</summary>
    public static int Rank(string term, string name, string? title)
    {
        var wanted = Normalize(term);
        if (wanted.Length == 0)
        {
            return TextMatch;
        }
        var best = RankOf(wanted, Normalize(name));
        return string.IsNullOrWhiteSpace(title) ? best : Math.Min(best, RankOf(wanted, Normalize(title)));
    }

    /// <summary>Kinds people search for most come first among equally good matches.</summary>
    public static int KindOrder(string kind) => kind switch
    {
        CatalogKinds.Component => 0,
        CatalogKinds.Api => 1,
        CatalogKinds.System => 2,
        CatalogKinds.Group => 3,
        CatalogKinds.Resource => 4,
        CatalogKinds.Domain => 5,
        CatalogKinds.User => 6,
        CatalogKinds.Template => 7,
        _ => 8,
    };

    /// <summary>The candidates best first; a total order (ties end at the entity ref), so pages never overlap.</summary>
    public static List<RankCandidate> Order(IEnumerable<RankCandidate> candidates, string term) =>
        candidates
            .Select(c => (Candidate: c, Rank: Rank(term, c.Name, c.Title)))
            .OrderBy(x => x.Rank)
            .ThenBy(x => KindOrder(x.Candidate.Kind))
            .ThenBy(x => x.Candidate.Name.Length)
            .ThenBy(x => x.Candidate.Name, StringComparer.Ordinal)
            .ThenBy(x => x.Candidate.Ref, StringComparer.Ordinal)
            .Select(x => x.Candidate)
            .ToList();

    private static int RankOf(string wanted, string text)
    {
        if (text == wanted)
        {
            return ExactName;
        }
        if (text.StartsWith(wanted + " ", StringComparison.Ordinal))
        {
            return FirstWord;
        }
        if (text.StartsWith(wanted, StringComparison.Ordinal))
        {
            return NamePrefix;
        }
        var padded = " " + text + " ";
        if (padded.Contains(" " + wanted + " ", StringComparison.Ordinal))
        {
            return WordInName;
        }
        return padded.Contains(" " + wanted, StringComparison.Ordinal) ? WordPrefixInName : TextMatch;
    }

    private static string Normalize(string text)
    {
        Span<char> buffer = text.Length <= 256 ? stackalloc char[text.Length] : new char[text.Length];
        var length = 0;
        var space = true; // drops leading and repeated separators
        foreach (var c in text)
        {
            if (c is '-' or '_' or '.' or '/' || char.IsWhiteSpace(c))
            {
                if (!space)
                {
                    buffer[length++] = ' ';
                    space = true;
                }
                continue;
            }
            buffer[length++] = char.ToLowerInvariant(c);
            space = false;
        }
        if (length > 0 && buffer[length - 1] == ' ')
        {
            length--;
        }
        return new string(buffer[..length]);
    }
}
