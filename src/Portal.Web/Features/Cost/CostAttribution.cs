namespace Portal.Web.Features.Cost;

/// <summary>The catalog as attribution sees it: team names, and components with their owners.</summary>
public sealed record CatalogNames(IReadOnlySet<string> Teams, IReadOnlyDictionary<string, string?> ComponentOwners);

public sealed record Attribution(string? Team, string? Component, string? Environment);

/// <summary>
/// Attributes a charge to a catalog team, component and environment (the rules are in
/// <see cref="CostRules"/>). A value the catalog does not know stays unallocated: cost is never
/// given to a team that does not exist. A component without a team brings its owner.
/// </summary>
public static class CostAttribution
{
    /// <summary>The team of shared cost: split over the teams when reported, never a team of its own.</summary>
    public const string SharedTeam = "(shared)";

    /// <summary>Attribution with the configured default rules (see <see cref="CostRules.Defaults"/>).</summary>
    public static Attribution Attribute(IReadOnlyDictionary<string, string> tags, string? subAccountId, CostAttributionOptions options, CatalogNames catalog,
        string? serviceName = null) =>
        CostRules.Apply(new ChargeFacts(tags, null, subAccountId, serviceName), CostRules.Defaults(options), catalog);

    /// <summary>
    /// Splits shared cost over teams in proportion to their allocated cost, to the cent, with the
    /// rounding remainder given to the largest team so the parts add up to the whole exactly.
    /// </summary>
    public static IReadOnlyDictionary<string, decimal> SplitShared(decimal shared, IReadOnlyDictionary<string, decimal> allocated)
    {
        var total = allocated.Values.Where(v => v > 0).Sum();
        if (total == 0 || shared == 0)
        {
            return allocated.ToDictionary(a => a.Key, _ => 0m);
        }
        var parts = allocated.ToDictionary(a => a.Key, a => a.Value > 0 ? decimal.Round(shared * a.Value / total, 2, MidpointRounding.ToEven) : 0m);
        var remainder = decimal.Round(shared, 2) - parts.Values.Sum();
        var largest = allocated.OrderByDescending(a => a.Value).ThenBy(a => a.Key, StringComparer.Ordinal).First().Key;
        parts[largest] += remainder;
        return parts;
    }
}
