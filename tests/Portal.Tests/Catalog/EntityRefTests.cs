using Portal.Web.Features.Catalog;

namespace Portal.Tests.Catalog;

public sealed class EntityRefTests
{
    [Theory]
    [InlineData("team-a", "group", "default", "group:default/team-a")]
    [InlineData("user:guest", "group", "default", "user:default/guest")]
    [InlineData("ops/team-b", "group", "default", "group:ops/team-b")]
    [InlineData("Component:Prod/Checkout", null, "default", "component:prod/checkout")]
    [InlineData("payments", "system", "finance", "system:finance/payments")]
    public void Parse_fills_kind_and_namespace_the_way_Backstage_defaults_them(string text, string? defaultKind, string ns, string expected)
    {
        Assert.Equal(expected, EntityRef.Parse(text, defaultKind, ns).ToString());
    }

    [Fact]
    public void Identity_is_case_insensitive()
    {
        Assert.Equal(EntityRef.Parse("Group:Default/Team-A").ToString(), EntityRef.Parse("group:default/team-a").ToString());
    }

    [Theory]
    [InlineData("checkout")]
    [InlineData("component:")]
    public void A_reference_without_kind_or_name_is_rejected_with_a_message(string text)
    {
        var error = Assert.Throws<FormatException>(() => EntityRef.Parse(text));
        Assert.Contains(text, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Display_form_hides_the_default_namespace_only()
    {
        Assert.Equal("team-a", EntityRef.Parse("group:default/team-a").ToDisplayString());
        Assert.Equal("ops/team-b", EntityRef.Parse("group:ops/team-b").ToDisplayString());
    }
}
