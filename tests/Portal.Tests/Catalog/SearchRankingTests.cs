using Portal.Web.Features.Catalog;
using Portal.Web.Features.Catalog.Search;

namespace Portal.Tests.Catalog;

public sealed class SearchRankingTests
{
    [Theory]
    [InlineData("payment-gateway", null, "payment-gateway", SearchRanking.ExactName)]
    [InlineData("payment gateway", null, "payment-gateway", SearchRanking.ExactName)]
    [InlineData("Payments", null, "payments", SearchRanking.ExactName)]
    [InlineData("checkout", "cart-service", "Checkout", SearchRanking.ExactName)]
    [InlineData("payment", null, "payment-gateway", SearchRanking.FirstWord)]
    [InlineData("payment", null, "payments-api", SearchRanking.NamePrefix)]
    [InlineData("gateway", null, "payment-gateway", SearchRanking.WordInName)]
    [InlineData("gate", null, "payment-gateway", SearchRanking.WordPrefixInName)]
    [InlineData("paymnt", null, "payment-gateway", SearchRanking.TextMatch)]
    [InlineData("card", "payment-gateway", null, SearchRanking.TextMatch)]
    public void A_match_is_ranked_by_where_the_term_sits_in_the_name_or_title(string term, string? title, string? name, int expected)
    {
        Assert.Equal(expected, SearchRanking.Rank(term, name ?? title!, name is null ? null : title));
    }

    [Fact]
    public void The_whole_word_beats_a_longer_word_that_starts_with_it_whatever_the_length()
    {
        // The example: "payment" listed payment-gateway 8th of 8, after every shorter name.
        var candidates = new[]
        {
            Candidate(CatalogKinds.Group, "payments"),
            Candidate(CatalogKinds.System, "payments"),
            Candidate(CatalogKinds.Api, "payments-api"),
            Candidate(CatalogKinds.Resource, "payments-db"),
            Candidate(CatalogKinds.Resource, "payment-events"),
            Candidate(CatalogKinds.Component, "payment-gateway"),
            Candidate(CatalogKinds.Component, "refunds", title: null),
        };

        var ordered = SearchRanking.Order(candidates, "payment").Select(c => c.Ref).ToList();

        Assert.Equal(
        [
            "component:default/payment-gateway", "resource:default/payment-events",
            "api:default/payments-api", "system:default/payments", "group:default/payments", "resource:default/payments-db",
            "component:default/refunds",
        ], ordered);
    }

    [Fact]
    public void The_order_is_total_so_pages_never_repeat_or_skip()
    {
        var same = new[] { Candidate(CatalogKinds.Component, "ledger", "ns-b"), Candidate(CatalogKinds.Component, "ledger", "ns-a") };
        Assert.Equal(["component:ns-a/ledger", "component:ns-b/ledger"], SearchRanking.Order(same, "ledger").Select(c => c.Ref));
        Assert.Equal(SearchRanking.Order(same, "ledger"), SearchRanking.Order(same.Reverse(), "ledger"));
    }

    [Fact]
    public void Blank_terms_and_separators_alone_rank_as_plain_text_matches()
    {
        Assert.Equal(SearchRanking.TextMatch, SearchRanking.Rank("  ", "payments", null));
        Assert.Equal(SearchRanking.TextMatch, SearchRanking.Rank("--", "payments", null));
        Assert.Equal(SearchRanking.ExactName, SearchRanking.Rank("--payments__", "payments", null));
    }

    private static RankCandidate Candidate(string kind, string name, string ns = "default", string? title = null) =>
        new(Guid.NewGuid(), $"{kind.ToLowerInvariant()}:{ns}/{name}", kind, name, title);
}
