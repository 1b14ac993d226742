using Portal.Web.Data;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Slo.Pages;
using Portal.Web.Infrastructure.Extensions;

namespace Portal.Web.Features.Slo;

/// <summary>The home's "My services" SLO column: each component's worst SLO status and the least error budget left among its SLOs.</summary>
public sealed class SloFactColumn : IComponentFactColumn
{
    public string Title => "SLOs";

    public int Order => 10;

    public async Task<IReadOnlyDictionary<string, ComponentFact>> LoadAsync(PortalDbContext db, IReadOnlyCollection<string> componentRefs, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        if (componentRefs.Count == 0)
        {
            return new Dictionary<string, ComponentFact>();
        }
        var states = await SloReads.BudgetStatesAsync(db, componentRefs, now, cancellationToken);
        return states.GroupBy(s => s.Component.ToLowerInvariant()).ToDictionary(g => g.Key, g => Summarise(g.Key, g.ToList()));
    }

    /// <summary>A component's SLOs in one cell: the worst status (an alert that fires counts as a warning at least) and the least budget left.</summary>
    public static ComponentFact Summarise(string componentRef, IReadOnlyList<SloBudgetState> slos)
    {
        var worst = slos.Select(s => s.FiringAlerts.Count > 0 && s.Status == "ok" ? "warning" : s.Status).MaxBy(Severity) ?? "no-data";
        var least = slos.Where(s => s.BudgetRemaining is not null).Select(s => s.BudgetRemaining).Min();
        var count = slos.Count == 1 ? "1 SLO" : $"{slos.Count} SLOs";
        var budget = least switch
        {
            null => "no data yet",
            <= 0m => "budget spent",
            _ => $"{SloFormat.Budget(least)} budget left",
        };
        return new ComponentFact(SloFormat.StatusLabel(worst), SloFormat.StatusColor(worst), $"{count} · {budget}",
            EntityRef.Parse(componentRef).PagePath + "?tab=slos",
            string.Join(", ", slos.Select(s => $"{s.DisplayName ?? s.Name}: {SloFormat.StatusLabel(s.Status)}")));
    }

    private static int Severity(string status) => status switch
    {
        "breached" => 3,
        "warning" => 2,
        "no-data" => 1,
        _ => 0,
    };
}
