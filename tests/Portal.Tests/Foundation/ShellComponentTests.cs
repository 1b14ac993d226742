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
    public void An_OpenAPI_definition_is_shown_as_its_operations_with_parameters_bodies_and_responses()
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
                  parameters:
                    - { name: status, in: query, schema: { type: string, enum: [open, shipped] } }
                  responses:
                    '200':
                      description: The orders
                      content:
                        application/json:
                          schema: { type: array, items: { $ref: '#/components/schemas/Order' } }
                post:
                  operationId: placeOrder
                  requestBody:
                    required: true
                    content:
                      application/json:
                        schema: { $ref: '#/components/schemas/Order' }
                  responses:
                    '201': { $ref: '#/components/responses/Created' }
              /orders/{id}:
                parameters:
                  - { name: id, in: path, required: true, schema: { type: string, format: uuid } }
                delete:
                  summary: Cancel an order
                  responses:
                    '204': { description: Cancelled }
            components:
              schemas:
                Order: { type: object }
              responses:
                Created: { description: Placed }
            """));

        var operations = view.FindAll("[data-testid=openapi-operation]");
        Assert.Equal(3, operations.Count);
        Assert.Contains("List orders", operations[0].QuerySelector("summary")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("status", operations[0].QuerySelector("[data-testid=openapi-parameters]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("one of open, shipped", operations[0].QuerySelector("[data-testid=openapi-parameters]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("application/json: array of Order", operations[0].QuerySelector("[data-testid=openapi-responses]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("placeOrder", operations[1].QuerySelector("summary")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("application/json Order", operations[1].QuerySelector("[data-testid=openapi-request-body]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("Placed", operations[1].QuerySelector("[data-testid=openapi-responses]")!.TextContent, StringComparison.Ordinal); // a $ref'd response
        Assert.Contains("/orders/{id}", operations[2].TextContent, StringComparison.Ordinal);
        Assert.Contains("string (uuid)", operations[2].QuerySelector("[data-testid=openapi-parameters]")!.TextContent, StringComparison.Ordinal); // from the path item
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
