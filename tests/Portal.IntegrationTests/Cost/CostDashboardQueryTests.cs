using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.TestSupport;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Cost;

namespace Portal.IntegrationTests.Cost;

/// <summary>
/// What the dashboard reads for one month holding two public exports in different currencies: the FinOps Foundation
/// FOCUS 1.0 sample (USD, 1,000 rows) and Microsoft's 1.0-preview file (EUR, see Cost/TestData/focus-versions/README.md).
/// </summary>
public sealed class CostDashboardQueryTests
{
    private static readonly DateTime September = new(2024, 9, 1, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task A_month_with_two_billing_currencies_is_reported_one_currency_at_a_time_and_never_added_up()
    {
        await using var factory = new PortalAppFactory();
        await factory.SeedDemoAsync();
        using var admin = factory.AdminClient();
        var usdPath = Path.Combine(SharedTestData.Root, "focus", "focus_sample.csv");
        var eurPath = Path.Combine(AppContext.BaseDirectory, "Cost", "TestData", "focus-versions", "microsoft-focus-1.0-preview-v1.csv");
        foreach (var path in new[] { usdPath, eurPath })
        {
            var response = await CostKit.ImportAsync(admin, await File.ReadAllBytesAsync(path), Path.GetFileName(path));
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }
        var usd = new IndependentFocusTotals(usdPath);
        var eur = new IndependentFocusTotals(eurPath);

        await using var db = await factory.DbAsync();
        var range = CostRange.Month(September);
        Assert.Equal(["USD", "EUR"], (await CostQueries.CurrenciesAsync(db, range.From, range.To, default)).Select(c => c.Currency));
        Assert.Contains(September, await CostQueries.MonthsAsync(db, 24, default));

        var teams = (await CatalogReads.Entities(db).Where(e => e.Kind == CatalogKinds.Group).Select(e => e.Ref).ToListAsync()).ToHashSet(StringComparer.Ordinal);
        var components = await CatalogReads.Entities(db).Where(e => e.Kind == CatalogKinds.Component).ToDictionaryAsync(e => e.Ref, e => e.Owner);
        foreach (var (currency, totals) in new[] { ("USD", usd), ("EUR", eur) })
        {
            var summary = await CostQueries.SummaryAsync(db, "team", range.From, range.To, currency, null, default);
            Assert.Equal((totals.Billed, totals.Effective), (summary.BilledCost, summary.EffectiveCost));
            var want = totals.By("team", teams, components);
            Assert.Equal(want.OrderBy(w => w.Key).Select(w => (w.Key, w.Value.Effective)), summary.Rows.OrderBy(r => r.Key).Select(r => (r.Key, r.EffectiveCost)));
            var daily = await CostQueries.DailyAsync(db, "team", range.From, range.To, null, default, currency);
            Assert.Equal(totals.Effective, daily.Sum(p => p.EffectiveCost));
        }

        // The EUR file's payments rows, down to their resources; the USD sample's rows are not among them.
        var payments = await CostQueries.ResourcesAsync(db, range.From, range.To, "group:default/payments", null, "EUR", 50, default);
        Assert.Equal(eur.By("team", teams, components)["group:default/payments"].Effective, payments.Sum(r => r.EffectiveCost));
        Assert.Empty(await CostQueries.ResourcesAsync(db, range.From, range.To, "group:default/payments", null, "USD", 50, default));
    }
}
