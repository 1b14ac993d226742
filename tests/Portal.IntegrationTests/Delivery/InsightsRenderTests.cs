using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using Portal.Web.Data;
using Portal.Web.Features.Delivery;
using Portal.Web.Features.Delivery.Pages;

namespace Portal.IntegrationTests.Delivery;

/// <summary>
/// The executive dashboard on a portal that has nothing yet (its own fresh database, no demo organisation), rendered with
/// bUnit over the real database: every section says what is missing and how to get it, instead of empty charts or zeros.
/// The filled page is InsightsBrowserTests' (a real browser over the demo organisation).
/// </summary>
public sealed class InsightsRenderTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>
{
    [Fact]
    public async Task On_a_new_portal_each_section_says_what_is_missing_and_how_to_get_it()
    {
        // Asynchronously disposed: the team picker (a MudSelect) brings a service that only disposes asynchronously.
        await using var context = new BunitContext();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddMudServices();
        context.Services.AddSingleton(factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>());
        context.Services.AddSingleton(factory.Services.GetRequiredService<IOptions<DeliveryOptions>>());
        context.Services.AddSingleton(TimeProvider.System);

        var page = context.Render<InsightsPage>();

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=insights]")), TimeSpan.FromSeconds(30));
        Assert.Contains("The portal has no SLO yet", page.Find("[data-testid=insights-platform-empty]").TextContent, StringComparison.Ordinal);
        Assert.Contains("No SLOs yet", page.Find("[data-testid=insights-slos-empty]").TextContent, StringComparison.Ordinal);
        Assert.Contains("No SLO has data yet", page.Find("[data-testid=insights-budgets-empty]").TextContent, StringComparison.Ordinal);
        Assert.Contains("delivery:write", page.Find("[data-testid=insights-delivery-empty]").TextContent, StringComparison.Ordinal);
        Assert.Equal(2, page.FindAll("[data-testid=insights-cost-empty]").Count);
        Assert.Contains("No environment became ready", page.Find("[data-testid=insights-time-to-ready-empty]").TextContent, StringComparison.Ordinal);
        Assert.Contains("No components in the catalog", page.Find("[data-testid=insights-coverage-empty]").TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("[data-testid=delivery-figures]"));
        Assert.Empty(page.FindAll("[data-testid=bar-list-row]"));
    }

    [Theory]
    [InlineData(1, "1 successful deployment|median of 1 commit|1 of 1 change|median of 1 restore|1 build")]
    [InlineData(2, "2 successful deployments|median of 2 commits|2 of 2 changes|median of 2 restores|2 builds")]
    [InlineData(1200, "1,200 successful deployments|median of 1,200 commits|1,200 of 1,200 changes|median of 1,200 restores|1,200 builds")]
    public async Task The_figures_counts_read_in_the_singular_for_one_and_the_plural_otherwise(int count, string phrases)
    {
        await using var context = new BunitContext();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddMudServices();
        var to = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        var figures = DoraMath.Figures(new DoraTotals(count, 5, count, count, count, 2, count, 3, count, count), to.AddDays(-30), to);

        var grid = context.Render<DoraFigureGrid>(p => p.Add(g => g.Figures, figures));

        var details = grid.FindAll("[data-testid=delivery-figure] .mud-typography-caption").Select(e => e.TextContent.Trim()).ToList();
        foreach (var phrase in phrases.Split('|'))
        {
            Assert.Contains(phrase, details);
        }
    }
}
