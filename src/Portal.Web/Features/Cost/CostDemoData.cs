using System.Text;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;
using Portal.Web.Features.Identity;

namespace Portal.Web.Features.Cost;

/// <summary>
/// Realistic FOCUS data for the demo organisation, loaded on the first embedded start so the cost
/// pages are alive: 75 days of daily charges from three providers, tagged with the demo teams'
/// components and environments, a share without tags, a spike three days ago, and two budgets.
/// It goes through the real importer, exactly as an uploaded export would. Cost's seeding API for the Demo feature,
/// which composes features and so never touches Cost's tables itself.
/// </summary>
public static class CostDemoData
{
    private sealed record Service(string Provider, string Name, string Category, string Region, string Account);

    private static readonly Service[] Services =
    [
        new("AWS", "Amazon Elastic Compute Cloud", "Compute", "us-east-1", "111122223333"),
        new("AWS", "Amazon Relational Database Service", "Databases", "us-east-1", "111122223333"),
        new("AWS", "Amazon Simple Storage Service", "Storage", "eu-west-1", "111122223333"),
        new("Microsoft", "Azure Kubernetes Service", "Compute", "westeurope", "/providers/Microsoft.Billing/billingAccounts/4711"),
        new("Microsoft", "Azure Cosmos DB", "Databases", "westeurope", "/providers/Microsoft.Billing/billingAccounts/4711"),
        new("Google Cloud", "BigQuery", "Analytics", "europe-west1", "01ABCD-23EF45-6789GH"),
    ];

    private static readonly string[] Environments = ["prod", "prod", "prod", "staging", "dev"];

    public static async Task SeedAsync(PortalDbContext db, CostAttributionOptions attribution, TimeProvider time, CancellationToken cancellationToken)
    {
        // A fixed seed: every demo install shows the same numbers. Not for security.
#pragma warning disable CA5394
        var random = new Random(20_261_126);
        var catalog = await CostImporter.CatalogNamesAsync(db, cancellationToken);
        var components = catalog.ComponentOwners.Keys.Order(StringComparer.Ordinal).ToList();
        var today = time.GetUtcNow().UtcDateTime.Date;
        using var csv = new StringWriter();
        FocusCsvWriter.WriteHeader(csv);
        for (var day = today.AddDays(-75); day < today; day = day.AddDays(1))
        {
            for (var i = 0; i < components.Count; i++)
            {
                var component = components[i];
                var name = component[(component.LastIndexOf('/') + 1)..];
                var service = Services[i % Services.Length];
                var baseCost = 4m + i % 7 * 3.5m;
                var spike = name == "search-indexer" && day == today.AddDays(-3) ? 6m : 1m;
                var cost = decimal.Round(baseCost * spike * (0.85m + (decimal)random.NextDouble() * 0.3m), 2);
                var tags = new Dictionary<string, string> { ["service"] = name, ["env"] = Environments[i % Environments.Length], ["cost-center"] = "cc-" + (100 + i % 6) };
                FocusCsvWriter.WriteRow(csv, FocusCsvWriter.Usage(day, cost, service.Provider, service.Name, service.Category, service.Region,
                    $"{name}-{service.Category.ToLowerInvariant()}-1", tags, service.Account));
                if (i % 3 == 0)
                {
                    var storage = Services[2];
                    FocusCsvWriter.WriteRow(csv, FocusCsvWriter.Usage(day, decimal.Round(1.2m + (decimal)random.NextDouble(), 2), storage.Provider, storage.Name,
                        storage.Category, storage.Region, $"{name}-backups", tags, storage.Account));
                }
            }
            // Spend nobody tagged: the unallocated share the dashboard keeps visible.
            FocusCsvWriter.WriteRow(csv, FocusCsvWriter.Usage(day, decimal.Round(9m + (decimal)random.NextDouble() * 4m, 2), "AWS", "AWS Data Transfer",
                "Networking", "us-east-1", null, new Dictionary<string, string>(), "111122223333"));
            FocusCsvWriter.WriteRow(csv, FocusCsvWriter.Usage(day, decimal.Round(3m + (decimal)random.NextDouble(), 2), "Google Cloud", "Cloud Logging",
                "Management and Governance", "europe-west1", "legacy-logging", new Dictionary<string, string>(), "01ABCD-23EF45-6789GH"));
        }
#pragma warning restore CA5394
        await using var stream = new MemoryStream(Encoding.UTF8.GetBytes(csv.ToString()));
        await CostImporter.ImportAsync(db, stream, "demo-northwind-focus.csv", AuditActor.System, attribution, time, cancellationToken);

        // Budgets: payments set tight enough to show an alert, checkout comfortably.
        var since = today.AddDays(-30);
        var spend = await db.CostLineItems.Where(c => c.ChargePeriodStart >= since && c.Team != null).GroupBy(c => c.Team!)
            .Select(g => new { Team = g.Key, Cost = g.Sum(c => c.EffectiveCost) }).ToListAsync(cancellationToken);
        foreach (var (team, factor) in new[] { ("group:default/payments", 0.8m), ("group:default/checkout", 1.5m) })
        {
            if (spend.FirstOrDefault(s => s.Team == team) is { } s && !await db.CostBudgets.AnyAsync(b => b.Team == team, cancellationToken))
            {
                db.CostBudgets.Add(new CostBudget
                {
                    Team = team, MonthlyAmount = decimal.Round(s.Cost * factor / 10m, 0) * 10m, Currency = "USD", CreatedAt = time.GetUtcNow(), CreatedBy = "portal",
                });
            }
        }
        await db.SaveChangesAsync(cancellationToken);
    }
}
