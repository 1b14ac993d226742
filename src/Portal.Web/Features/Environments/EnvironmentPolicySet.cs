using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Portal.Web.Features.Environments;

public sealed class TierSpec
{
    public decimal Cpu { get; set; }
    public decimal MemoryGi { get; set; }
    public decimal StorageGi { get; set; }
}

public sealed class TypePolicy
{
    public List<string> Tiers { get; set; } = [];
    public List<string> Regions { get; set; } = [];
    public string? DefaultTtl { get; set; }

    /// <summary>Longest life; empty means the environment may live until deleted.</summary>
    public string? MaxTtl { get; set; }

    /// <summary>"none", "approver" or "admin".</summary>
    public string Approval { get; set; } = "none";
}

public sealed class QuotaSpec
{
    public int MaxEnvironments { get; set; } = 10;
    public decimal Cpu { get; set; } = 16;
    public decimal MemoryGi { get; set; } = 32;
}

public sealed class QuotaPolicy
{
    public QuotaSpec Default { get; set; } = new();

    /// <summary>Per team (group ref or plain group name).</summary>
    public Dictionary<string, QuotaSpec> Teams { get; set; } = [];
}

/// <summary>
/// The environment policy set, as admins write it in YAML: tiers, per-type rules, team quotas,
/// the naming rule and the catalog fields a component must have.
/// </summary>
public sealed class EnvironmentPolicySet
{
    public Dictionary<string, TierSpec> Tiers { get; set; } = [];
    public Dictionary<string, TypePolicy> Types { get; set; } = [];
    public QuotaPolicy Quotas { get; set; } = new();
    public string Naming { get; set; } = "^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$";
    public List<string> RequiredCatalogFields { get; set; } = ["owner", "lifecycle"];

    public static readonly string[] EnvironmentTypes = ["dev", "test", "staging", "prod", "preview"];
    public static readonly string[] KnownCatalogFields = ["owner", "lifecycle", "system", "description"];
    private static readonly string[] ApprovalValues = ["none", "approver", "admin"];

    public QuotaSpec QuotaFor(string team)
    {
        var name = team.Contains('/', StringComparison.Ordinal) ? team[(team.LastIndexOf('/') + 1)..] : team;
        return Quotas.Teams.FirstOrDefault(t => string.Equals(t.Key, team, StringComparison.OrdinalIgnoreCase)
            || string.Equals(t.Key, name, StringComparison.OrdinalIgnoreCase)).Value ?? Quotas.Default;
    }

    /// <summary>Parses and checks a policy document; errors name the line where YAML can, and every problem found.</summary>
    public static (EnvironmentPolicySet? Policy, IReadOnlyList<string> Errors) Parse(string yaml)
    {
        if (string.IsNullOrWhiteSpace(yaml))
        {
            return (null, ["The policy is empty."]);
        }
        EnvironmentPolicySet? policy;
        try
        {
            policy = new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build()
                .Deserialize<EnvironmentPolicySet>(yaml);
        }
        catch (YamlException ex)
        {
            var inner = ex.InnerException?.Message ?? ex.Message;
            return (null, [$"Line {ex.Start.Line}, column {ex.Start.Column}: {inner}"]);
        }
        if (policy is null)
        {
            return (null, ["The policy is empty."]);
        }
        var errors = new List<string>();
        if (policy.Tiers.Count == 0)
        {
            errors.Add("'tiers' must define at least one size tier.");
        }
        foreach (var (name, tier) in policy.Tiers)
        {
            if (tier.Cpu <= 0 || tier.MemoryGi <= 0 || tier.StorageGi < 0)
            {
                errors.Add($"Tier '{name}' needs a positive cpu and memoryGi (and storageGi of 0 or more).");
            }
        }
        foreach (var type in policy.Types.Keys.Where(t => !EnvironmentTypes.Contains(t)))
        {
            errors.Add($"'{type}' is not an environment type; use one of {string.Join(", ", EnvironmentTypes)}.");
        }
        foreach (var (name, type) in policy.Types)
        {
            foreach (var tier in type.Tiers.Where(t => !policy.Tiers.ContainsKey(t)))
            {
                errors.Add($"Type '{name}' allows tier '{tier}', which 'tiers' does not define.");
            }
            if (type.Tiers.Count == 0)
            {
                errors.Add($"Type '{name}' must allow at least one tier.");
            }
            if (type.Regions.Count == 0)
            {
                errors.Add($"Type '{name}' must allow at least one region.");
            }
            if (!ApprovalValues.Contains(type.Approval))
            {
                errors.Add($"Type '{name}': approval must be one of none, approver, admin (not '{type.Approval}').");
            }
            var max = CheckTtl(type.MaxTtl, $"Type '{name}': maxTtl", errors);
            var def = CheckTtl(type.DefaultTtl, $"Type '{name}': defaultTtl", errors);
            if (max is not null && def is not null && def > max)
            {
                errors.Add($"Type '{name}': defaultTtl is longer than maxTtl.");
            }
            if (max is not null && def is null)
            {
                errors.Add($"Type '{name}': a maxTtl needs a defaultTtl too.");
            }
        }
        try
        {
            _ = new Regex(policy.Naming, RegexOptions.None, TimeSpan.FromMilliseconds(100));
        }
        catch (ArgumentException ex)
        {
            errors.Add($"'naming' is not a valid regular expression: {ex.Message}");
        }
        foreach (var field in policy.RequiredCatalogFields.Where(f => !KnownCatalogFields.Contains(f)))
        {
            errors.Add($"requiredCatalogFields: '{field}' is not one of {string.Join(", ", KnownCatalogFields)}.");
        }
        return errors.Count == 0 ? (policy, errors) : (null, errors);
    }

    private static TimeSpan? CheckTtl(string? value, string label, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        if (Ttl.TryParse(value, out var ttl))
        {
            return ttl;
        }
        errors.Add($"{label} '{value}' is not a duration (e.g. 3d, 12h or P3D).");
        return null;
    }

    /// <summary>The policy a new install starts with (version 1), written to be read and edited.</summary>
    public const string DefaultYaml = """
        # Environment policy. Admins edit it at /environments/policy; every save is a new version.
        # Size tiers: what each tier reserves (Kubernetes ResourceQuota) and what it costs.
        tiers:
          small:  { cpu: 1, memoryGi: 2, storageGi: 10 }
          medium: { cpu: 2, memoryGi: 4, storageGi: 20 }
          large:  { cpu: 4, memoryGi: 16, storageGi: 100 }

        # Per environment type: allowed tiers and regions, time to live, and who must approve.
        types:
          dev:
            tiers: [small, medium]
            regions: [eu-west-1, us-east-1]
            defaultTtl: 3d
            maxTtl: 14d
            approval: none
          preview:
            tiers: [small]
            regions: [eu-west-1, us-east-1]
            defaultTtl: 2d
            maxTtl: 7d
            approval: none
          test:
            tiers: [small, medium]
            regions: [eu-west-1, us-east-1]
            defaultTtl: 7d
            maxTtl: 30d
            approval: none
          staging:
            tiers: [medium, large]
            regions: [eu-west-1, us-east-1]
            approval: approver
          prod:
            tiers: [medium, large]
            regions: [eu-west-1, us-east-1]
            approval: approver

        # Per-team quotas over all environments that exist (not deleted, rejected or cancelled).
        quotas:
          default: { maxEnvironments: 8, cpu: 16, memoryGi: 48 }
          teams:
            platform: { maxEnvironments: 20, cpu: 64, memoryGi: 256 }

        # Environment names become Kubernetes namespaces: lower-case DNS labels.
        naming: '^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$'

        # What the component's catalog entry must have before it gets an environment.
        requiredCatalogFields: [owner, lifecycle]
        """;
}
