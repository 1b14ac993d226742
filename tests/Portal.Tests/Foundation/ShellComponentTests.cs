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

    [Fact]
    public void An_OpenAPI_definition_is_shown_as_its_operations()
    {
        var view = Render<Portal.Web.Features.Catalog.Pages.OpenApiView>(p => p.Add(c => c.Definition, """
            openapi: 3.0.3
            info:
              title: Orders
              version: 2.1.0
            paths:
              /orders:
                get:
                  summary: List orders
                post:
                  operationId: placeOrder
              /orders/{id}:
                delete:
                  summary: Cancel an order
            """));

        var rows = view.FindAll("[data-testid=openapi-operations] tbody tr");
        Assert.Equal(3, rows.Count);
        Assert.Contains("List orders", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("placeOrder", rows[1].TextContent, StringComparison.Ordinal);
        Assert.Contains("/orders/{id}", rows[2].TextContent, StringComparison.Ordinal);
        Assert.Contains("Orders", view.Find("[data-testid=openapi-title]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_definition_that_is_not_OpenAPI_is_shown_as_written()
    {
        var view = Render<Portal.Web.Features.Catalog.Pages.OpenApiView>(p => p.Add(c => c.Definition, "syntax = \"proto3\";\nservice Fraud {}"));

        Assert.Contains("service Fraud", view.Find("[data-testid=api-definition]").TextContent, StringComparison.Ordinal);
        Assert.Empty(view.FindAll("[data-testid=openapi-operations]"));
    }
}
