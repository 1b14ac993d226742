using Microsoft.EntityFrameworkCore;
using Mono.Cecil;
using Portal.Web.Data;

namespace Portal.Tests.Foundation;

/// <summary>
/// Features as rooms: Catalog knows no other feature; Identity (with Infrastructure, the shared core) knows none;
/// Slo and Cost know nothing of each other; Cost sees Environments only through its read surface and Environments
/// sees nothing of Cost (Cost's card on the environment page comes through an EnvironmentCard); Delivery sees Slo only
/// through SloReads, Cost only through CostReads and Environments only through EnvironmentReads (the executive dashboard) and Incidents only through IncidentReads (change failure rate, time to restore), and only Incidents and Scorecards see Delivery (through DeliveryReads); and a feature's tables (its EF entity types) are used by that
/// feature alone.
/// </summary>
public sealed class ArchitectureTests
{
    private static readonly string[] Others = ["Catalog", "Templates", "Environments", "Cost", "Slo", "Delivery", "Incidents", "Scorecards", "Inbox"];

    /// <summary>The rules, as data. Add a type to an Except list only when it is the other feature's published read surface.</summary>
    public static IReadOnlyList<FeatureRule> FeatureRules { get; } =
    [
        .. Others.Where(f => f != "Catalog").Select(f => new FeatureRule("Catalog", f, "the catalog knows no other feature")),
        .. Others.Select(f => new FeatureRule("Identity", f, "Identity is the shared core and knows no feature")),
        new FeatureRule("Slo", "Cost", "Slo and Cost know nothing of each other"),
        new FeatureRule("Cost", "Slo", "Slo and Cost know nothing of each other"),
        new FeatureRule("Cost", "Environments", "Cost reads environments only through EnvironmentReads", "EnvironmentReads", "EnvironmentItem"),
        new FeatureRule("Environments", "Cost", "Environments knows nothing of Cost (Cost contributes an EnvironmentCard)"),
        new FeatureRule("Delivery", "Slo", "Delivery reads SLO budgets only through SloReads", "SloReads", "SloBudgetState", "SloFiringAlert"),
        new FeatureRule("Delivery", "Cost", "Delivery (the executive dashboard) reads cost only through CostReads", "CostReads", "CostDrivers", "CostDriver", "ComponentCost"),
        new FeatureRule("Delivery", "Environments", "Delivery (the executive dashboard's M4) reads environments only through EnvironmentReads", "EnvironmentReads", "TimeToReady"),
        new FeatureRule("Delivery", "Incidents", "Delivery (change failure rate, time to restore) reads incidents only through IncidentReads", "IncidentReads", "OpenedIncident"),
        new FeatureRule("Delivery", "Templates", "Delivery knows no feature but Catalog's, Slo's, Cost's, Environments' and Incidents' read surfaces"),
        .. new[] { "Slo", "Cost", "Environments", "Templates" }.Select(f => new FeatureRule(f, "Delivery", "no feature but Incidents and Scorecards reads Delivery")),
        new FeatureRule("Incidents", "Delivery", "Incidents read deployments (timeline, on-call dashboard) only through DeliveryReads", "DeliveryReads", "ComponentDeployment"),
        new FeatureRule("Incidents", "Environments", "Incidents read environment changes only through EnvironmentReads", "EnvironmentReads", "EnvironmentChange"),
        new FeatureRule("Slo", "Incidents", "Slo reports alert changes through IAlertListener and knows nothing of incidents"),
        new FeatureRule("Incidents", "Slo", "Incidents hears of alerts through IAlertListener and reads SLO budgets (the on-call dashboard) only through SloReads",
            "SloReads", "SloBudgetState", "SloFiringAlert"),
        new FeatureRule("Scorecards", "Slo", "Scorecards read SLOs and telemetry only through SloReads", "SloReads", "SloBudgetState", "SloFiringAlert"),
        new FeatureRule("Scorecards", "Cost", "Scorecards read cost only through CostReads", "CostReads", "TeamCostShare", "BudgetSpend"),
        new FeatureRule("Scorecards", "Environments", "Scorecards read environments only through EnvironmentReads", "EnvironmentReads", "ComponentEnvironment", "EnvironmentComplianceRow"),
        new FeatureRule("Scorecards", "Delivery", "Scorecards read deployments and builds (delivery checks) only through DeliveryReads", "DeliveryReads", "DeliveryCounts"),
        new FeatureRule("Scorecards", "Incidents", "Scorecards read on-call schedules and alert routing (incident checks) only through IncidentReads",
            "IncidentReads", "AlertRouting"),
        new FeatureRule("Scorecards", "Templates", "Scorecards read templates only through TemplateReads", "TemplateReads", "TemplateOrigin"),
        .. new[] { "Templates", "Environments", "Cost", "Slo", "Delivery", "Incidents" }.Select(f => new FeatureRule(f, "Scorecards", "no feature reads Scorecards")),
        new FeatureRule("Templates", "Inbox", "Templates (notification:send) write to the inbox only through InboxSender", "InboxSender", "InboxPayload", "InboxSeverity"),
        .. new[] { "Environments", "Cost", "Slo", "Delivery", "Incidents", "Scorecards" }.Select(f => new FeatureRule(f, "Inbox", "no feature but Templates uses the inbox")),
        .. new[] { "Templates", "Environments", "Cost", "Slo", "Delivery", "Incidents", "Scorecards" }.Select(f => new FeatureRule("Inbox", f, "the inbox knows no feature but Catalog's read surface")),
    ];

    [Fact]
    public void Features_reference_only_what_the_rules_allow()
    {
        var rules = new ArchitectureRules("Portal.Web.Features", FeatureRules, TableOwners());
        using var assembly = AssemblyDefinition.ReadAssembly(typeof(PortalDbContext).Assembly.Location);

        var violations = rules.Violations(assembly);

        Assert.True(violations.Count == 0, $"{violations.Count} forbidden references:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void The_catalogs_tables_are_among_the_owned_tables()
    {
        var owners = TableOwners();

        Assert.Equal("Catalog", owners["Portal.Web.Features.Catalog.CatalogEntity"]);
        Assert.Equal("Catalog", owners["Portal.Web.Features.Catalog.CatalogLocation"]);
        Assert.Equal("Catalog", owners["Portal.Web.Features.Catalog.CatalogRelation"]);
    }

    /// <summary>The rule engine itself, on fixture types compiled into this assembly that break each kind of rule once.</summary>
    [Fact]
    public void The_rule_engine_reports_forbidden_references_in_a_fixture()
    {
        const string root = "Portal.Tests.Foundation.Fixtures.Features";
        var rules = new ArchitectureRules(root, FeatureRules, new Dictionary<string, string> { [$"{root}.Catalog.FixtureCatalogEntity"] = "Catalog" });
        using var assembly = AssemblyDefinition.ReadAssembly(typeof(ArchitectureTests).Assembly.Location);

        var violations = rules.Violations(assembly);

        Assert.Equal(
        [
            $"{root}.Catalog.FixtureCatalogPage -> {root}.Slo.FixtureSloCard (the catalog knows no other feature)",
            $"{root}.Cost.FixtureCostJob -> {root}.Environments.FixtureEnvironmentTable (Cost reads environments only through EnvironmentReads)",
            $"{root}.Slo.FixtureSloCard -> {root}.Cost.FixtureCostFigures (Slo and Cost know nothing of each other)",
            $"{root}.Templates.FixtureTemplatePicker -> {root}.Catalog.FixtureCatalogEntity (the tables of Catalog are Catalog's own)",
        ], violations);
    }

    /// <summary>Each entity type of the EF model, by the feature whose namespace declares it (shared-core entities have none).</summary>
    private static Dictionary<string, string> TableOwners()
    {
        using var db = new PortalDbContext(new DbContextOptionsBuilder<PortalDbContext>().UseNpgsql("Host=unused").Options);
        const string prefix = "Portal.Web.Features.";
        return db.Model.GetEntityTypes().Select(e => e.ClrType).Distinct()
            .Where(t => t.Namespace?.StartsWith(prefix, StringComparison.Ordinal) == true)
            .ToDictionary(t => t.FullName!, t => t.Namespace![prefix.Length..].Split('.')[0]);
    }
}
