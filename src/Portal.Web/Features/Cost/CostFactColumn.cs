using System.Globalization;
using MudBlazor;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;
using Portal.Web.Infrastructure.Extensions;

namespace Portal.Web.Features.Cost;

/// <summary>
/// The home's "My services" cost column: each component's cost in the budget month so far, against its monthly budget when
/// it has one. The month is the budgets page's (<see cref="BudgetMath.MonthStart"/> of the newest data), so the two agree.
/// </summary>
public sealed class CostFactColumn : IComponentFactColumn
{
    public string Title => "Cost this month";

    public int Order => 20;

    public async Task<IReadOnlyDictionary<string, ComponentFact>> LoadAsync(PortalDbContext db, IReadOnlyCollection<string> componentRefs, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        if (componentRefs.Count == 0)
        {
            return new Dictionary<string, ComponentFact>();
        }
        var month = BudgetMath.MonthStart(await BudgetMath.AsOfAsync(db, now, cancellationToken));
        var costs = await CostReads.ComponentsAsync(db, componentRefs, month, now.UtcDateTime.Date.AddDays(1), cancellationToken);
        return costs.ToDictionary(c => c.Key, c => Summarise(c.Key, c.Value));
    }

    /// <summary>One cell: the amount, and the share of the budget spent (a warning from 80 %, an error over 100 %).</summary>
    public static ComponentFact Summarise(string componentRef, ComponentCost cost)
    {
        var amount = $"{cost.EffectiveCost.ToString("N2", CultureInfo.InvariantCulture)} {cost.Currency}";
        var href = EntityRef.Parse(componentRef).PagePath + "?tab=cost";
        if (cost.MonthlyBudget is not { } budget || budget <= 0)
        {
            return new ComponentFact(amount, null, "no budget set", href);
        }
        var share = cost.EffectiveCost / budget;
        Color? color = share > 1 ? Color.Error : share >= 0.8m ? (Color?)Color.Warning : null;
        return new ComponentFact(amount, color, $"{(share * 100).ToString("0", CultureInfo.InvariantCulture)} % of the {budget.ToString("N0", CultureInfo.InvariantCulture)} budget",
            href, $"Monthly budget {budget.ToString("N2", CultureInfo.InvariantCulture)} {cost.Currency}");
    }
}
