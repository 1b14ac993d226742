using System.Text.RegularExpressions;

namespace Portal.Web.Features.Environments;

/// <summary>What an environment request asks for, as typed (strings, so a form can be checked as it is filled).</summary>
public sealed record EnvironmentAsk(string? Name, string? ComponentRef, string? Type, string? Tier, string? Region, string? Ttl);

/// <summary>The outcome of evaluating a request: the violations, and what the request resolves to when it passes.</summary>
public sealed record PolicyOutcome(IReadOnlyList<PolicyViolation> Violations, TierSpec? Tier, TimeSpan? Ttl, string? ApprovalBy, QuotaSpec Quota)
{
    public bool Compliant => Violations.Count == 0;
}

/// <summary>
/// The environment policy as a pure function of the request, the component's catalog entry and the
/// team's usage: the form calls it on every keystroke, the API on every request and approval.
/// </summary>
public static class PolicyEvaluator
{
    public static PolicyOutcome Evaluate(EnvironmentPolicySet policy, EnvironmentAsk ask, ComponentFacts? component, TeamUsage usage)
    {
        var violations = new List<PolicyViolation>();
        void Add(string field, string message) => violations.Add(new PolicyViolation(field, message));

        if (string.IsNullOrWhiteSpace(ask.Name))
        {
            Add("name", "Give the environment a name.");
        }
        else if (!Regex.IsMatch(ask.Name, policy.Naming, RegexOptions.None, TimeSpan.FromMilliseconds(100)))
        {
            Add("name", $"'{ask.Name}' does not follow the naming rule {policy.Naming} (lower-case letters, digits and dashes, starting with a letter).");
        }

        if (string.IsNullOrWhiteSpace(ask.ComponentRef))
        {
            Add("component", "Choose the component the environment is for.");
        }
        else if (component is null)
        {
            Add("component", $"'{ask.ComponentRef}' is not a component in the catalog.");
        }
        else
        {
            foreach (var field in policy.RequiredCatalogFields)
            {
                var value = field switch
                {
                    "owner" => component.Owner,
                    "lifecycle" => component.Lifecycle,
                    "system" => component.System,
                    _ => component.Description,
                };
                if (string.IsNullOrWhiteSpace(value))
                {
                    Add("component", $"{component.Ref} has no {field} in the catalog; the policy requires one before it gets an environment.");
                }
            }
        }

        TypePolicy? type = null;
        if (string.IsNullOrWhiteSpace(ask.Type))
        {
            Add("type", "Choose the environment type.");
        }
        else if (!policy.Types.TryGetValue(ask.Type, out type))
        {
            Add("type", $"The policy allows no '{ask.Type}' environments; allowed: {string.Join(", ", policy.Types.Keys)}.");
        }

        TierSpec? tier = null;
        if (string.IsNullOrWhiteSpace(ask.Tier))
        {
            Add("tier", "Choose a size tier.");
        }
        else if (!policy.Tiers.TryGetValue(ask.Tier, out tier))
        {
            Add("tier", $"'{ask.Tier}' is not a size tier; tiers: {string.Join(", ", policy.Tiers.Keys)}.");
        }
        else if (type is not null && !type.Tiers.Contains(ask.Tier))
        {
            Add("tier", $"{ask.Type} environments may be {string.Join(" or ", type.Tiers)}, not {ask.Tier}.");
        }

        if (type is not null && !string.IsNullOrWhiteSpace(ask.Region) && !type.Regions.Contains(ask.Region))
        {
            Add("region", $"{ask.Type} environments may run in {string.Join(", ", type.Regions)}, not {ask.Region}.");
        }

        TimeSpan? ttl = null;
        if (type is not null)
        {
            _ = Ttl.TryParse(type.MaxTtl, out var max);
            if (!string.IsNullOrWhiteSpace(ask.Ttl))
            {
                if (!Ttl.TryParse(ask.Ttl, out var asked))
                {
                    Add("ttl", $"'{ask.Ttl}' is not a duration; write e.g. 3d, 12h or P3D.");
                }
                else if (max > TimeSpan.Zero && asked > max)
                {
                    Add("ttl", $"{ask.Type} environments live at most {Ttl.Format(max)}; {Ttl.Format(asked)} is longer.");
                }
                else
                {
                    ttl = asked;
                }
            }
            else if (Ttl.TryParse(type.DefaultTtl, out var fallback))
            {
                ttl = fallback;
            }
        }

        var quota = component?.Owner is { } owner ? policy.QuotaFor(owner) : policy.Quotas.Default;
        if (component?.Owner is not null)
        {
            if (usage.Environments + 1 > quota.MaxEnvironments)
            {
                Add("component", $"{NameOf(component.Owner)} already has {usage.Environments} of its {quota.MaxEnvironments} environments; delete one or ask for a larger quota.");
            }
            if (tier is not null && usage.Cpu + tier.Cpu > quota.Cpu)
            {
                Add("tier", $"{NameOf(component.Owner)} would use {usage.Cpu + tier.Cpu:0.##} of its {quota.Cpu:0.##} CPU; choose a smaller tier or delete an environment.");
            }
            if (tier is not null && usage.MemoryGi + tier.MemoryGi > quota.MemoryGi)
            {
                Add("tier", $"{NameOf(component.Owner)} would use {usage.MemoryGi + tier.MemoryGi:0.##} of its {quota.MemoryGi:0.##} GiB memory; choose a smaller tier or delete an environment.");
            }
        }

        var approval = type is null || type.Approval == "none" ? null : type.Approval;
        return new PolicyOutcome(violations, tier, ttl, approval, quota);
    }

    /// <summary>Monthly cost of a tier from the unit prices, rounded to the cent.</summary>
    public static decimal MonthlyEstimate(TierSpec tier, EnvironmentPrices prices) =>
        decimal.Round(tier.Cpu * prices.CpuCoreMonth + tier.MemoryGi * prices.MemoryGiMonth + tier.StorageGi * prices.StorageGiMonth, 2,
            MidpointRounding.AwayFromZero);

    /// <summary>"group:default/payments" → "payments", for messages.</summary>
    public static string NameOf(string entityRef) => entityRef[(entityRef.LastIndexOf('/') + 1)..];
}
