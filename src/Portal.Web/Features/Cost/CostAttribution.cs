namespace Portal.Web.Features.Cost;

/// <summary>Which tag keys name a team, a component and an environment (case-insensitive; first match wins).</summary>
public sealed class CostAttributionOptions
{
    public const string Section = "Portal:Cost:Attribution";

    public List<string> TeamTags { get; set; } = ["team", "owner"];
    public List<string> ComponentTags { get; set; } = ["service", "component", "application", "app"];
    public List<string> EnvironmentTags { get; set; } = ["env", "environment"];

    /// <summary>Sub-account (project, subscription, compartment) id → team name, for accounts that belong to one team.</summary>
    public Dictionary<string, string> SubAccountTeams { get; set; } = [];

    /// <summary>Services whose cost is shared by all teams (e.g. a shared network or support plan), split in proportion to each team's allocated cost.</summary>
    public List<string> SharedServices { get; set; } = [];

    /// <summary>Sub-accounts whose cost is shared the same way.</summary>
    public List<string> SharedSubAccounts { get; set; } = [];
}

/// <summary>The catalog as attribution sees it: team names, and components with their owners.</summary>
public sealed record CatalogNames(IReadOnlySet<string> Teams, IReadOnlyDictionary<string, string?> ComponentOwners);

public sealed record Attribution(string? Team, string? Component, string? Environment);

/// <summary>
/// Attributes a charge to a catalog team, component and environment from its tags (and its
/// sub-account). A value the catalog does not know stays unallocated: cost is never given to a
/// team that does not exist. A component without a team tag brings its owner.
/// </summary>
public static class CostAttribution
{
    /// <summary>The team of shared cost: split over the teams when reported, never a team of its own.</summary>
    public const string SharedTeam = "(shared)";

    public static Attribution Attribute(IReadOnlyDictionary<string, string> tags, string? subAccountId, CostAttributionOptions options, CatalogNames catalog,
        string? serviceName = null)
    {
        if ((serviceName is not null && options.SharedServices.Contains(serviceName, StringComparer.OrdinalIgnoreCase))
            || (subAccountId is not null && options.SharedSubAccounts.Contains(subAccountId, StringComparer.Ordinal)))
        {
            return new Attribution(SharedTeam, null, null);
        }
        string? Tag(List<string> keys)
        {
            foreach (var key in keys)
            {
                foreach (var (k, v) in tags)
                {
                    if (string.Equals(k, key, StringComparison.OrdinalIgnoreCase) && !string.IsNullOrWhiteSpace(v))
                    {
                        return v.Trim();
                    }
                }
            }
            return null;
        }

        string? component = null;
        if (Tag(options.ComponentTags) is { } c)
        {
            var reference = $"component:default/{c.ToLowerInvariant()}";
            component = catalog.ComponentOwners.ContainsKey(reference) ? reference : null;
        }
        string? team = null;
        var teamName = Tag(options.TeamTags)
            ?? (subAccountId is not null && options.SubAccountTeams.TryGetValue(subAccountId, out var mapped) ? mapped : null);
        if (teamName is not null)
        {
            var reference = $"group:default/{teamName.ToLowerInvariant()}";
            team = catalog.Teams.Contains(reference) ? reference : null;
        }
        if (team is null && component is not null)
        {
            team = catalog.ComponentOwners[component];
        }
        return new Attribution(team, component, Tag(options.EnvironmentTags)?.ToLowerInvariant());
    }

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
