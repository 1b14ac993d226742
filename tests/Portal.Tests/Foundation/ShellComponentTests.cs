using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Portal.Web.Components.Pages;
using Portal.Web.Components.Shared;

namespace Portal.Tests.Foundation;

public sealed class ShellComponentTests : BunitContext
{
    public ShellComponentTests()
    {
        Services.AddMudServices();
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    [Fact]
    public void Figure_card_links_its_number_to_the_filtered_catalog()
    {
        var card = Render<FigureCard>(p => p
            .Add(c => c.Label, "Components")
            .Add(c => c.Value, 40)
            .Add(c => c.Icon, MudBlazor.Icons.Material.Filled.Widgets)
            .Add(c => c.Href, "/catalog?kind=Component"));

        var link = card.Find("a[href='/catalog?kind=Component']");
        Assert.Equal("40", link.TextContent.Trim());
        Assert.Contains("Components", card.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void Not_found_page_explains_and_offers_the_way_home()
    {
        var page = Render<NotFound>();

        Assert.Contains("There is nothing at this address.", page.Markup, StringComparison.Ordinal);
        Assert.NotNull(page.Find("a[href='/']"));
    }
}
