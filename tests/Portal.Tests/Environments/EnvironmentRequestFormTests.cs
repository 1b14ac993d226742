using Portal.Web.Features.Environments;
using Portal.Web.Features.Environments.Pages;

namespace Portal.Tests.Environments;

public sealed class EnvironmentRequestFormTests
{
    private static readonly EnvironmentPolicySet Policy = EnvironmentPolicySet.Parse(EnvironmentPolicySet.DefaultYaml).Policy!;
    private static readonly ComponentFacts Cart = new("component:default/cart-service", "group:default/checkout", "production", "system:default/checkout", "Carts");

    private static EnvironmentRequestForm Started()
    {
        var form = new EnvironmentRequestForm(Policy);
        form.Start();
        return form;
    }

    [Fact]
    public void It_starts_on_dev_with_the_first_tier_and_region_and_shows_no_errors_for_untouched_fields()
    {
        var form = Started();

        Assert.Equal("dev", form.Type);
        Assert.Equal(Policy.Types["dev"].Tiers.First(), form.Tier);
        Assert.Equal(Policy.Types["dev"].Regions.First(), form.Region);
        Assert.Null(form.ErrorFor("name"));
        Assert.Null(form.ErrorFor("component"));
        Assert.False(form.Outcome!.Compliant);
    }

    [Fact]
    public void Choosing_a_component_names_the_environment_after_it_and_makes_the_request_compliant()
    {
        var form = Started();

        form.ChooseComponent(Cart.Ref, Cart, new TeamUsage(0, 0, 0));

        Assert.Equal("cart-service-dev", form.Name);
        Assert.Equal("group:default/checkout", form.Owner);
        Assert.True(form.Outcome!.Compliant, string.Join("; ", form.Outcome.Violations));
    }

    [Fact]
    public void A_default_name_follows_the_type_but_a_typed_name_stays()
    {
        var form = Started();
        form.ChooseComponent(Cart.Ref, Cart, new TeamUsage(0, 0, 0));

        form.ChangeType("prod");
        Assert.Equal("cart-service-prod", form.Name);
        Assert.Contains(form.Tier, Policy.Types["prod"].Tiers);
        Assert.Contains(form.Region, Policy.Types["prod"].Regions);

        form.ChangeName("my-cart");
        form.ChangeType("dev");
        Assert.Equal("my-cart", form.Name);
    }

    [Fact]
    public void A_bad_name_shows_the_policy_message_and_server_errors_stay_until_the_field_changes()
    {
        var form = Started();
        form.ChooseComponent(Cart.Ref, Cart, new TeamUsage(0, 0, 0));

        form.ChangeName("Cart_Dev");
        Assert.True(form.Has("name"));

        form.ChangeName("cart-dev");
        form.RefusedBy([new PolicyViolation("name", "cart-dev already exists.")]);
        Assert.Equal("cart-dev already exists.", form.ErrorFor("name"));
        form.ChangeTier(form.Tier!);
        Assert.Equal("cart-dev already exists.", form.ErrorFor("name"));

        form.ChangeName("cart-dev-2");
        Assert.Null(form.ErrorFor("name"));
    }

    [Fact]
    public void The_request_carries_the_fields_and_an_empty_ttl_as_the_default()
    {
        var form = Started();
        form.ChooseComponent(Cart.Ref, Cart, new TeamUsage(0, 0, 0));

        form.ChangeTtl("  ");
        var request = form.ToRequest();
        Assert.Equal(new EnvironmentRequest("cart-service-dev", Cart.Ref, "dev", form.Tier, form.Region, null), request);

        form.ChangeTtl("2d");
        Assert.Equal("2d", form.ToRequest().Ttl);
    }
}
