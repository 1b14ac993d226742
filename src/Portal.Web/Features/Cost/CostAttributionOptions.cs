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
