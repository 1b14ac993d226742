using System.Globalization;

namespace Portal.Web.Features.Environments;

/// <summary>An environment as the compliance check sees it: what it was given when it was requested and decided.</summary>
public sealed record ComplianceSubject(string Name, string Component, string OwnerTeam, string Type, string Tier, string Region, TimeSpan? Ttl,
    DateTimeOffset? ExpiresAt, string? DecidedBy, EnvironmentStatus Status, decimal Cpu, decimal MemoryGi);

/// <summary>
/// Whether an environment that exists complies with the policy in force now (M7): the same rules <see cref="PolicyEvaluator"/>
/// applies to a request, applied to what the environment already is, plus its expiry. Pure, so each problem is unit-tested.
/// An environment complies when none of these holds:
/// <list type="bullet">
/// <item>it is past its TTL (ready or expiring after <c>ExpiresAt</c>: the expiry job has not torn it down yet);</item>
/// <item>the policy no longer allows its type, its tier for that type, or its region for that type;</item>
/// <item>it lives longer than its type's <c>maxTtl</c> (or has no TTL while the type sets one);</item>
/// <item>its type needs approval and nobody approved it (it was made before the policy asked for approval);</item>
/// <item>its owner team's environments together exceed the team's quota (count, CPU or memory).</item>
/// </list>
/// Only environments that exist are judged (provisioning, ready, expiring, failed); one waiting for approval or being
/// deleted is not. "Made outside the portal" cannot be judged: the portal knows only the environments it made.
/// </summary>
public static class EnvironmentCompliance
{
    /// <summary>The statuses of environments that exist and so must comply.</summary>
    public static readonly EnvironmentStatus[] Judged = [EnvironmentStatus.Provisioning, EnvironmentStatus.Ready, EnvironmentStatus.Expiring, EnvironmentStatus.Failed];

    /// <summary>Each way <paramref name="environment"/> breaks <paramref name="policy"/>, as a short phrase; empty when it complies.</summary>
    public static IReadOnlyList<string> Problems(EnvironmentPolicySet policy, ComplianceSubject environment, TeamUsage ownerUsage, DateTimeOffset now)
    {
        var problems = new List<string>();
        if (environment.ExpiresAt is { } expires && expires < now && environment.Status is EnvironmentStatus.Ready or EnvironmentStatus.Expiring)
        {
            problems.Add($"past its TTL since {expires.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC");
        }
        if (!policy.Types.TryGetValue(environment.Type, out var type))
        {
            problems.Add($"type {environment.Type} no longer allowed");
        }
        else
        {
            if (!type.Tiers.Contains(environment.Tier))
            {
                problems.Add($"tier {environment.Tier} not allowed for {environment.Type}");
            }
            if (type.Regions.Count > 0 && !type.Regions.Contains(environment.Region))
            {
                problems.Add($"region {environment.Region} not allowed for {environment.Type}");
            }
            if (Ttl.TryParse(type.MaxTtl, out var max) && max > TimeSpan.Zero && (environment.Ttl is not { } ttl || ttl > max))
            {
                problems.Add(environment.Ttl is { } longer ? $"TTL {Ttl.Format(longer)} over the {Ttl.Format(max)} allowed" : $"no TTL while {environment.Type} allows {Ttl.Format(max)}");
            }
            if (type.Approval != "none" && environment.DecidedBy is null)
            {
                problems.Add($"never approved (needs {type.Approval})");
            }
        }
        var quota = policy.QuotaFor(environment.OwnerTeam);
        if (ownerUsage.Environments > quota.MaxEnvironments || ownerUsage.Cpu > quota.Cpu || ownerUsage.MemoryGi > quota.MemoryGi)
        {
            problems.Add($"{PolicyEvaluator.NameOf(environment.OwnerTeam)} over quota ({ownerUsage.Environments}/{quota.MaxEnvironments} environments, "
                + $"{ownerUsage.Cpu.ToString("0.##", CultureInfo.InvariantCulture)}/{quota.Cpu.ToString("0.##", CultureInfo.InvariantCulture)} CPU, "
                + $"{ownerUsage.MemoryGi.ToString("0.##", CultureInfo.InvariantCulture)}/{quota.MemoryGi.ToString("0.##", CultureInfo.InvariantCulture)} GiB)");
        }
        return problems;
    }
}
