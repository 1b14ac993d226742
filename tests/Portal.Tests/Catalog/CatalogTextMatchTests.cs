using System.Text;
using Portal.Web.Features.Catalog;
using static Portal.Web.Features.Catalog.Search.CatalogTextMatch;

namespace Portal.Tests.Catalog;

/// <summary>
/// The in-memory half of catalog search: tsquery text as PostgreSQL prints it, evaluated over postings; pg_trgm's
/// threshold arithmetic; and the C.UTF-8 collation's code point order. (CatalogSearchIndexTests compares whole
/// answers with PostgreSQL's.)
/// </summary>
public sealed class CatalogTextMatchTests
{
    /// <summary>Documents as lexeme lists; positions are 1-based, as in a tsvector.</summary>
    private sealed class Documents(params string[][] documents) : ILexemeSource
    {
        public int Count => documents.Length;

        public ReadOnlySpan<int> Postings(string lexeme) =>
            Enumerable.Range(0, documents.Length).Where(d => documents[d].Contains(lexeme)).ToArray();

        public ReadOnlySpan<ushort> Positions(int document, string lexeme) =>
            documents[document].Select((l, i) => (l, i)).Where(x => x.l == lexeme).Select(x => (ushort)(x.i + 1)).ToArray();
    }

    private static readonly Documents Corpus = new(
        ["payment", "ledger", "api"],        // 0
        ["ledger", "payment", "api"],        // 1
        ["payment", "risk", "ledger", "api"], // 2
        ["tax", "report"],                   // 3
        ["it", "s", "back"]);                // 4

    private static int[] Matches(string tsquery)
    {
        Assert.True(TryParseTsQuery(tsquery, out var query), tsquery);
        return [.. Members(Evaluate(query, Corpus))];
    }

    [Theory]
    [InlineData("'payment'", new[] { 0, 1, 2 })]
    [InlineData("'payment' & 'risk'", new[] { 2 })]
    [InlineData("'tax' | 'risk'", new[] { 2, 3 })]
    // NOT is the complement, as tsvector @@ evaluates it (documents without the lexeme match).
    [InlineData("!'payment'", new[] { 3, 4 })]
    [InlineData("'payment' & !'risk'", new[] { 0, 1 })]
    // Precedence: & binds tighter than |, and ! tighter than &.
    [InlineData("'tax' | 'payment' & 'risk'", new[] { 2, 3 })]
    [InlineData("( 'tax' | 'payment' ) & 'api'", new[] { 0, 1, 2 })]
    // Phrases need the lexemes at consecutive positions (or at the given distance), in order.
    [InlineData("'payment' <-> 'ledger'", new[] { 0 })]
    [InlineData("'payment' <2> 'ledger'", new[] { 2 })]
    [InlineData("'payment' <-> 'ledger' <-> 'api'", new[] { 0 })]
    [InlineData("'it' <-> 's' <-> 'back'", new[] { 4 })]
    [InlineData("'nothing'", new int[0])]
    public void A_tsquery_selects_the_documents_PostgreSQL_would(string tsquery, int[] expected)
    {
        Assert.Equal(expected, Matches(tsquery));
    }

    [Fact]
    public void An_empty_query_matches_nothing_as_a_query_of_only_stop_words_does()
    {
        Assert.True(TryParseTsQuery("", out var query));
        Assert.Null(query);
        Assert.Empty(Members(Evaluate(query, Corpus)));
    }

    [Theory]
    [InlineData("'o''brien'", "o'brien")]
    [InlineData(@"'back\\slash'", @"back\slash")]
    public void Quotes_and_backslashes_inside_a_lexeme_are_unescaped(string tsquery, string lexeme)
    {
        Assert.True(TryParseTsQuery(tsquery, out var query));
        Assert.Equal(new TsLexeme(lexeme), query);
    }

    [Theory]
    [InlineData("'pay':*")]                      // prefix
    [InlineData("'pay':AB")]                     // weights
    [InlineData("'a' <-> ( 'b' | 'c' )")]        // a phrase over an expression
    [InlineData("!'a' <-> 'b'")]
    [InlineData("'a' &")]                        // malformed
    public void What_the_evaluator_does_not_cover_is_refused_so_PostgreSQL_answers(string tsquery)
    {
        Assert.False(TryParseTsQuery(tsquery, out _));
    }

    [Fact]
    public void A_query_of_thousands_of_words_is_left_to_PostgreSQL_rather_than_evaluated_by_deep_recursion()
    {
        var words = string.Join(" & ", Enumerable.Range(0, 2_000).Select(i => $"'w{i}'"));
        Assert.False(TryParseTsQuery(words, out _));
        Assert.True(TryParseTsQuery(string.Join(" & ", Enumerable.Range(0, 50).Select(i => $"'w{i}'")), out _));
    }

    [Fact]
    public void Similarity_uses_pg_trgm_float4_arithmetic_against_the_threshold()
    {
        // 3 shared of 6 and 7 trigrams: 3 / 10 = 0.3 in float4, which pg_trgm counts as >= 0.3.
        Assert.True(Similar(3, 6, 7, 0.3));
        // 3 / 11 = 0.27.
        Assert.False(Similar(3, 7, 7, 0.3));
        Assert.True(Similar(5, 5, 5, 1.0));
        // 7 / 20 is 0.35 in float4 only after rounding down (0.3499999940): below a threshold of 0.35 set as a
        // double, as pg_trgm compares it. (Reading the threshold back as float4 would wrongly call it similar.)
        Assert.False(Similar(7, 10, 17, 0.35));
        Assert.True(Similar(7, 10, 17, (float)0.35));
        // An empty trigram set has similarity 0 (pg_trgm guards the 0/0 division).
        Assert.False(Similar(0, 0, 5, 0.3));
    }

    [Fact]
    public void Code_point_order_is_the_order_of_UTF8_bytes_even_across_surrogates()
    {
        // U+FF21 (fullwidth A) sorts before U+1F600 (an emoji, a surrogate pair in UTF-16) by code point,
        // although UTF-16 ordinal order puts the surrogate first.
        Assert.True(string.CompareOrdinal("\uFF21", "\U0001F600") > 0);
        Assert.True(CompareCodePoints("\uFF21", "\U0001F600") < 0);

        var random = new Random(7);
        string[] pieces = ["a", "B", "é", "\u00FF", "\uD7FF", "\uE000", "\uFFFD", "\U0001F600", "\U00010000", "z", ""];
        for (var i = 0; i < 2_000; i++)
        {
            var left = string.Concat(Enumerable.Range(0, random.Next(4)).Select(_ => pieces[random.Next(pieces.Length)]));
            var right = string.Concat(Enumerable.Range(0, random.Next(4)).Select(_ => pieces[random.Next(pieces.Length)]));
            var bytes = Math.Sign(Compare(Encoding.UTF8.GetBytes(left), Encoding.UTF8.GetBytes(right)));
            Assert.True(bytes == Math.Sign(CompareCodePoints(left, right)), $"'{left}' vs '{right}'");
        }
    }

    private static int Compare(byte[] a, byte[] b) => a.AsSpan().SequenceCompareTo(b);
}
