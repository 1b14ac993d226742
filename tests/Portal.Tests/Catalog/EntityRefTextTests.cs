using Portal.Web.Features.Catalog;

namespace Portal.Tests.Catalog;

public sealed class EntityRefTextTests
{
    [Fact]
    public void A_sentence_keeps_its_text_and_its_full_stop_around_the_ref()
    {
        var segments = EntityRefText.Split("Owned by group:default/payments, a team the catalog knows.");
        Assert.Equal(
        [
            new EntityRefText.Segment("Owned by ", null),
            new EntityRefText.Segment("group:default/payments", "group:default/payments"),
            new EntityRefText.Segment(", a team the catalog knows.", null),
        ], segments);
    }

    [Fact]
    public void A_value_that_is_only_a_ref_is_one_entity_and_its_case_is_folded_for_the_lookup()
    {
        Assert.Equal([new EntityRefText.Segment("User:default/Ana.Silva", "user:default/ana.silva")], EntityRefText.Split("User:default/Ana.Silva"));
        Assert.Equal([new EntityRefText.Segment("See ", null), new("user:default/ana.silva", "user:default/ana.silva"), new(".", null)],
            EntityRefText.Split("See user:default/ana.silva."));
    }

    [Theory]
    [InlineData("payments")]                            // a bare name could be anything
    [InlineData("https://example.com/group:default")]   // no name after the namespace
    [InlineData("mailto:payments/x")]                   // not a catalog kind
    [InlineData("")]
    public void Text_without_a_full_ref_stays_as_it_is(string text) =>
        Assert.All(EntityRefText.Split(text), s => Assert.Null(s.Ref));
}
