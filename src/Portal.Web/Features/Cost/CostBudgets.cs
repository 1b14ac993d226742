using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Identity;

namespace Portal.Web.Features.Cost;

/// <summary>Creating, changing and deleting budgets: one place for the API and the budgets page, with the same checks and audit.</summary>
public static class CostBudgets
{
    /// <summary>Creates the team's (or component's) budget or changes it; the errors by field when the request is not valid.</summary>
    public static async Task<(CostBudget? Budget, Dictionary<string, string[]> Errors)> SetAsync(PortalDbContext db, AuditActor actor, BudgetRequest request,
        TimeProvider time, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Team)) { errors["team"] = ["Name the team (a catalog Group)."]; }
        if (request.MonthlyAmount is not > 0 || request.MonthlyAmount > 1_000_000_000) { errors["monthlyAmount"] = ["The monthly amount must be above 0 (and at most 1,000,000,000)."]; }
        if (request.Thresholds is { } t && (t.Length == 0 || t.Length > 10 || t.Any(x => x is < 1 or > 1000))) { errors["thresholds"] = ["Thresholds are 1 to 10 percentages from 1 to 1000."]; }
        if (request.Currency is { Length: > 0 } c && (c.Length != 3 || !c.All(char.IsAsciiLetterUpper))) { errors["currency"] = ["The currency is a three-letter ISO 4217 code, e.g. USD."]; }
        if (errors.Count > 0)
        {
            return (null, errors);
        }
        var team = TeamRef(request.Team)!;
        var component = string.IsNullOrWhiteSpace(request.Component) ? null
            : request.Component.Contains(':', StringComparison.Ordinal) ? request.Component.Trim().ToLowerInvariant() : $"component:default/{request.Component.Trim().ToLowerInvariant()}";
        if (!await CatalogReads.Entities(db).AnyAsync(i => i.Ref == team && i.Kind == CatalogKinds.Group, ct))
        {
            return (null, new() { ["team"] = [$"{request.Team} is not a team in the catalog."] });
        }
        if (component is not null && !await CatalogReads.Entities(db).AnyAsync(i => i.Ref == component && i.Kind == CatalogKinds.Component, ct))
        {
            return (null, new() { ["component"] = [$"{request.Component} is not a component in the catalog."] });
        }
        var budget = await db.CostBudgets.FirstOrDefaultAsync(b => b.Team == team && b.Component == component, ct);
        var before = budget is null ? null : new { budget.MonthlyAmount, budget.Thresholds, budget.Currency };
        if (budget is null)
        {
            budget = new CostBudget { Team = team, Component = component, Currency = "USD", CreatedAt = time.GetUtcNow(), CreatedBy = actor.Name };
            db.CostBudgets.Add(budget);
        }
        // Without a currency, a new budget takes the one most of the billing data is in.
        budget.Currency = request.Currency is { Length: > 0 } currency ? currency
            : before is null ? await MainCurrencyAsync(db, ct) ?? "USD" : budget.Currency;
        budget.MonthlyAmount = request.MonthlyAmount!.Value;
        budget.Thresholds = [.. (request.Thresholds ?? [80, 100]).Distinct().Order()];
        AuditLog.Record(db, actor, "cost.budget.set", $"budget:{component ?? team}", before: before, after: new { budget.MonthlyAmount, budget.Thresholds, budget.Currency });
        await db.SaveChangesAsync(ct);
        return (budget, errors);
    }

    /// <summary>Deletes a budget; false when there is none with that id.</summary>
    public static async Task<bool> DeleteAsync(PortalDbContext db, AuditActor actor, Guid id, CancellationToken ct)
    {
        var budget = await db.CostBudgets.FirstOrDefaultAsync(b => b.Id == id, ct);
        if (budget is null)
        {
            return false;
        }
        db.CostBudgets.Remove(budget);
        AuditLog.Record(db, actor, "cost.budget.delete", $"budget:{budget.Component ?? budget.Team}", before: new { budget.MonthlyAmount });
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>The billing currency with the most rows in the data, if any.</summary>
    public static Task<string?> MainCurrencyAsync(PortalDbContext db, CancellationToken ct) =>
        db.CostDaily.AsNoTracking().GroupBy(c => c.BillingCurrency).OrderByDescending(g => g.Count()).Select(g => g.Key).FirstOrDefaultAsync(ct);

    /// <summary>A team's ref from its name or ref (<c>payments</c> or <c>group:default/payments</c>).</summary>
    public static string? TeamRef(string? team) =>
        string.IsNullOrWhiteSpace(team) ? null : team.Contains(':', StringComparison.Ordinal) ? team.Trim().ToLowerInvariant() : $"group:default/{team.Trim().ToLowerInvariant()}";
}
