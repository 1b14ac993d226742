using System.Globalization;
using System.Numerics;

namespace Portal.Web.Features.Catalog.Search;

/// <summary>
/// PostgreSQL's text matching, evaluated in memory exactly as the database evaluates it, for
/// <see cref="CatalogSearchIndex"/>: a tsquery (the text form PostgreSQL prints for
/// <c>websearch_to_tsquery</c>) against lexemes with positions, pg_trgm's <c>%</c> similarity over trigram sets
/// that <c>show_trgm</c> produced, and the C.UTF-8 collation's code point order. What PostgreSQL decides (how
/// text splits into lexemes and trigrams) stays in PostgreSQL; only the set arithmetic happens here.
/// </summary>
public static class CatalogTextMatch
{
    private const int MaxTsQueryLength = 4_000;

    /// <summary>A parsed tsquery. Null from <see cref="ParseTsQuery"/> means "no lexemes": it matches nothing.</summary>
    public abstract record TsNode;

    public sealed record TsLexeme(string Text) : TsNode;

    public sealed record TsNot(TsNode Operand) : TsNode;

    public sealed record TsAnd(TsNode Left, TsNode Right) : TsNode;

    public sealed record TsOr(TsNode Left, TsNode Right) : TsNode;

    /// <summary><c>a &lt;-&gt; b &lt;2&gt; c</c>: each lexeme at the given distance after the previous one.</summary>
    public sealed record TsPhrase(IReadOnlyList<string> Lexemes, IReadOnlyList<int> Distances) : TsNode;

    /// <summary>
    /// Parses tsquery output text (<c>'a' &amp; 'b' &lt;-&gt; 'c' | !'d'</c>; precedence ! over &lt;-&gt; over &amp;
    /// over |). Returns false for what this evaluator does not cover (a phrase whose operands are not plain lexemes,
    /// prefix or weight markers): the caller then asks PostgreSQL.
    /// </summary>
    public static bool TryParseTsQuery(string text, out TsNode? query)
    {
        query = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }
        // Evaluation recurses once per operator; very long queries (hundreds of words) are left to PostgreSQL.
        if (text.Length > MaxTsQueryLength)
        {
            return false;
        }
        var parser = new TsParser(text);
        try
        {
            query = parser.Or();
            parser.SkipSpace();
            return parser.AtEnd;
        }
        catch (FormatException)
        {
            query = null;
            return false;
        }
    }

    private sealed class TsParser(string text)
    {
        private int _at;

        public bool AtEnd => _at >= text.Length;

        public void SkipSpace()
        {
            while (_at < text.Length && text[_at] == ' ')
            {
                _at++;
            }
        }

        private bool Take(char c)
        {
            SkipSpace();
            if (_at < text.Length && text[_at] == c)
            {
                _at++;
                return true;
            }
            return false;
        }

        public TsNode Or()
        {
            var left = And();
            while (Take('|'))
            {
                left = new TsOr(left, And());
            }
            return left;
        }

        private TsNode And()
        {
            var left = Phrase();
            while (Take('&'))
            {
                left = new TsAnd(left, Phrase());
            }
            return left;
        }

        private TsNode Phrase()
        {
            var first = Unary();
            var lexemes = new List<string>();
            var distances = new List<int>();
            while (TryDistance(out var distance))
            {
                var next = Unary();
                if (first is not TsLexeme l || next is not TsLexeme r)
                {
                    throw new FormatException("Only phrases of plain lexemes are evaluated in memory.");
                }
                if (lexemes.Count == 0)
                {
                    lexemes.Add(l.Text);
                }
                lexemes.Add(r.Text);
                distances.Add(distance);
            }
            return lexemes.Count == 0 ? first : new TsPhrase(lexemes, distances);
        }

        private bool TryDistance(out int distance)
        {
            distance = 0;
            SkipSpace();
            if (_at >= text.Length || text[_at] != '<')
            {
                return false;
            }
            var close = text.IndexOf('>', _at);
            if (close < 0)
            {
                throw new FormatException("Unclosed phrase operator.");
            }
            var inner = text[(_at + 1)..close];
            distance = inner == "-" ? 1 : int.Parse(inner, NumberStyles.None, CultureInfo.InvariantCulture);
            _at = close + 1;
            return true;
        }

        private TsNode Unary()
        {
            if (Take('!'))
            {
                return new TsNot(Unary());
            }
            if (Take('('))
            {
                var inner = Or();
                if (!Take(')'))
                {
                    throw new FormatException("Unclosed parenthesis.");
                }
                return inner;
            }
            SkipSpace();
            if (_at >= text.Length || text[_at] != '\'')
            {
                throw new FormatException("Expected a lexeme.");
            }
            _at++;
            var lexeme = new System.Text.StringBuilder();
            while (true)
            {
                if (_at >= text.Length)
                {
                    throw new FormatException("Unclosed lexeme.");
                }
                var c = text[_at++];
                if (c == '\'')
                {
                    // A doubled quote is a quote inside the lexeme.
                    if (_at < text.Length && text[_at] == '\'')
                    {
                        lexeme.Append('\'');
                        _at++;
                        continue;
                    }
                    break;
                }
                if (c == '\\' && _at < text.Length)
                {
                    c = text[_at++];
                }
                lexeme.Append(c);
            }
            // ':*' (prefix) and ':AB' (weights) do not come out of websearch_to_tsquery; leave them to PostgreSQL.
            if (_at < text.Length && text[_at] == ':')
            {
                throw new FormatException("Prefix and weight markers are left to PostgreSQL.");
            }
            return new TsLexeme(lexeme.ToString());
        }
    }

    /// <summary>What a tsquery is evaluated against: lexeme postings and, for phrases, positions.</summary>
    public interface ILexemeSource
    {
        int Count { get; }

        /// <summary>Ascending indexes of the documents that hold <paramref name="lexeme"/>.</summary>
        ReadOnlySpan<int> Postings(string lexeme);

        /// <summary>The positions of <paramref name="lexeme"/> in document <paramref name="document"/>, ascending.</summary>
        ReadOnlySpan<ushort> Positions(int document, string lexeme);
    }

    /// <summary>The documents that <c>tsvector @@ query</c> selects, as a bit set (PostgreSQL's semantics: NOT is the complement).</summary>
    public static ulong[] Evaluate(TsNode? query, ILexemeSource source)
    {
        var words = (source.Count + 63) / 64;
        switch (query)
        {
            case null:
                return new ulong[words];
            case TsLexeme l:
                return FromPostings(source.Postings(l.Text), words);
            case TsNot n:
            {
                var bits = Evaluate(n.Operand, source);
                for (var i = 0; i < bits.Length; i++)
                {
                    bits[i] = ~bits[i];
                }
                ClearTail(bits, source.Count);
                return bits;
            }
            case TsAnd a:
            {
                var left = Evaluate(a.Left, source);
                var right = Evaluate(a.Right, source);
                for (var i = 0; i < left.Length; i++)
                {
                    left[i] &= right[i];
                }
                return left;
            }
            case TsOr o:
            {
                var left = Evaluate(o.Left, source);
                var right = Evaluate(o.Right, source);
                for (var i = 0; i < left.Length; i++)
                {
                    left[i] |= right[i];
                }
                return left;
            }
            case TsPhrase p:
                return Phrase(p, source, words);
            default:
                throw new ArgumentOutOfRangeException(nameof(query));
        }
    }

    private static ulong[] Phrase(TsPhrase phrase, ILexemeSource source, int words)
    {
        // Candidates hold every lexeme; then a start position must have each next lexeme at its distance.
        var candidates = FromPostings(source.Postings(phrase.Lexemes[0]), words);
        for (var i = 1; i < phrase.Lexemes.Count; i++)
        {
            var other = FromPostings(source.Postings(phrase.Lexemes[i]), words);
            for (var w = 0; w < words; w++)
            {
                candidates[w] &= other[w];
            }
        }
        foreach (var document in Members(candidates))
        {
            if (!PhraseAt(phrase, source, document))
            {
                candidates[document >> 6] &= ~(1UL << (document & 63));
            }
        }
        return candidates;
    }

    private static bool PhraseAt(TsPhrase phrase, ILexemeSource source, int document)
    {
        foreach (var start in source.Positions(document, phrase.Lexemes[0]))
        {
            var at = (int)start;
            var found = true;
            for (var i = 1; i < phrase.Lexemes.Count && found; i++)
            {
                at += phrase.Distances[i - 1];
                found = at <= ushort.MaxValue && source.Positions(document, phrase.Lexemes[i]).BinarySearch((ushort)at) >= 0;
            }
            if (found)
            {
                return true;
            }
        }
        return false;
    }

    public static ulong[] FromPostings(ReadOnlySpan<int> postings, int words)
    {
        var bits = new ulong[words];
        foreach (var d in postings)
        {
            bits[d >> 6] |= 1UL << (d & 63);
        }
        return bits;
    }

    public static void ClearTail(ulong[] bits, int count)
    {
        if (count % 64 != 0 && bits.Length > 0)
        {
            bits[^1] &= (1UL << (count % 64)) - 1;
        }
    }

    public static int PopCount(ulong[] bits)
    {
        var n = 0;
        foreach (var w in bits)
        {
            n += BitOperations.PopCount(w);
        }
        return n;
    }

    public static IEnumerable<int> Members(ulong[] bits)
    {
        for (var w = 0; w < bits.Length; w++)
        {
            var word = bits[w];
            while (word != 0)
            {
                yield return (w << 6) + BitOperations.TrailingZeroCount(word);
                word &= word - 1;
            }
        }
    }

    public static bool IsSet(ulong[] bits, int index) => (bits[index >> 6] & (1UL << (index & 63))) != 0;

    /// <summary>
    /// pg_trgm's <c>a % b</c>: <c>similarity(a, b) &gt;= pg_trgm.similarity_threshold</c>, where similarity is
    /// shared / (|a| + |b| - shared) over the two unique trigram sets, computed in float4 as pg_trgm does, and
    /// 0 when either set is empty.
    /// </summary>
    public static bool Similar(int shared, int leftCount, int rightCount, double threshold)
    {
        if (leftCount <= 0 || rightCount <= 0)
        {
            return 0f >= threshold;
        }
        var similarity = shared / (float)(leftCount + rightCount - shared);
        return similarity >= threshold;
    }

    /// <summary>
    /// The C.UTF-8 collation's order: Unicode code points. UTF-16 ordinal order differs only where a surrogate
    /// (a code point above U+FFFF) meets U+E000-U+FFFF, so those are moved into place before comparing.
    /// </summary>
    public static int CompareCodePoints(string? a, string? b)
    {
        a ??= "";
        b ??= "";
        var n = Math.Min(a.Length, b.Length);
        for (var i = 0; i < n; i++)
        {
            if (a[i] != b[i])
            {
                return CodePointRank(a[i]) - CodePointRank(b[i]);
            }
        }
        return a.Length - b.Length;
    }

    private static int CodePointRank(char c) => c < 0xD800 ? c : c >= 0xE000 ? c - 0x800 : c + 0x2000;
}
