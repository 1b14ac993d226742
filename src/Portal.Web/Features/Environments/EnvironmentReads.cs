using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;

namespace Portal.Web.Features.Environments;

/// <summary>
/// The environments' read surface: what other features (Cost) may ask about environments, so they never touch the
/// environment tables themselves (the architecture test enforces it).
/// </summary>
public static class EnvironmentReads
{
    /// <summary>The environments with these names (a name is its namespace), newest request first; deleted ones included.</summary>
    public static async Task<IReadOnlyList<EnvironmentItem>> ByNamesAsync(PortalDbContext db, IReadOnlyCollection<string> names,
        CancellationToken cancellationToken) =>
        await db.Environments.AsNoTracking().Where(e => names.Contains(e.Name)).OrderByDescending(e => e.RequestedAt)
            .Select(e => new EnvironmentItem(e.Id, e.Name, e.ComponentRef, e.OwnerTeam)).ToListAsync(cancellationToken);

    /// <summary>Every environment that exists or is on its way (see <see cref="PortalEnvironment.Live"/>), with its component and tier.</summary>
    public static async Task<IReadOnlyList<ComponentEnvironment>> LiveAsync(PortalDbContext db, CancellationToken cancellationToken) =>
        (await db.Environments.AsNoTracking().Where(e => PortalEnvironment.Live.Contains(e.Status)).OrderBy(e => e.Name)
            .Select(e => new { e.Name, e.ComponentRef, e.Tier, e.Status }).ToListAsync(cancellationToken))
        .Select(e => new ComponentEnvironment(e.Name, e.ComponentRef, e.Tier, e.Status.ToString())).ToList();

    /// <summary>
    /// Each environment that exists (<see cref="EnvironmentCompliance.Judged"/>) with how it breaks the policy in force now
    /// (empty: compliant; see <see cref="EnvironmentCompliance"/>). Quotas count the owner team's live environments, as a
    /// request does. Two queries, and the policy is only read, never stored.
    /// </summary>
    public static async Task<IReadOnlyList<EnvironmentComplianceRow>> ComplianceAsync(PortalDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var yaml = await db.EnvironmentPolicyVersions.AsNoTracking().OrderByDescending(p => p.Version).Select(p => p.Yaml).FirstOrDefaultAsync(cancellationToken);
        var policy = EnvironmentPolicySet.Parse(yaml ?? EnvironmentPolicySet.DefaultYaml).Policy
            ?? throw new InvalidOperationException("The environment policy in force does not parse.");
        var live = await db.Environments.AsNoTracking().Where(e => PortalEnvironment.Live.Contains(e.Status)).OrderBy(e => e.Name)
            .Select(e => new ComplianceSubject(e.Name, e.ComponentRef, e.OwnerTeam, e.Type, e.Tier, e.Region, e.Ttl, e.ExpiresAt, e.DecidedBy, e.Status, e.Cpu, e.MemoryGi))
            .ToListAsync(cancellationToken);
        var usage = live.GroupBy(e => e.OwnerTeam, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => new TeamUsage(g.Count(), g.Sum(e => e.Cpu), g.Sum(e => e.MemoryGi)), StringComparer.Ordinal);
        return live.Where(e => EnvironmentCompliance.Judged.Contains(e.Status))
            .Select(e => new EnvironmentComplianceRow(e.Name, e.Component, e.Tier, EnvironmentCompliance.Problems(policy, e, usage[e.OwnerTeam], now)))
            .ToList();
    }

    /// <summary>
    /// Status changes of environments of these components (null: all) in [from, to), newest first, at most
    /// <paramref name="limit"/> (for the incident timeline and the on-call dashboard).
    /// </summary>
    public static async Task<IReadOnlyList<EnvironmentChange>> ChangesAsync(PortalDbContext db, IReadOnlyCollection<string>? components,
        DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken)
    {
        var environments = db.Environments.AsNoTracking();
        if (components is not null)
        {
            environments = environments.Where(e => components.Contains(e.ComponentRef));
        }
        var rows = await db.EnvironmentTransitions.AsNoTracking().Where(t => t.At >= from && t.At < to)
            .Join(environments, t => t.EnvironmentId, e => e.Id, (t, e) => new { e.Id, e.Name, e.ComponentRef, e.Tier, t.From, t.To, t.At, t.Actor, t.Comment })
            .OrderByDescending(r => r.At).Take(limit).ToListAsync(cancellationToken);
        return rows.Select(r => new EnvironmentChange(r.Id, r.Name, r.ComponentRef, r.Tier, r.From?.ToString(), r.To.ToString(), r.At, r.Actor, r.Comment)).ToList();
    }

    /// <summary>
    /// Time to ready (M4) per environment type of the environments requested since <paramref name="since"/> that became
    /// ready, optionally only a team's (<paramref name="ownerTeam"/>, a group ref): the figures /environments shows.
    /// </summary>
    public static async Task<IReadOnlyList<TimeToReady>> TimeToReadyAsync(PortalDbContext db, DateTimeOffset since, string? ownerTeam,
        CancellationToken cancellationToken)
    {
        var query = db.Environments.AsNoTracking().Where(e => e.ReadyAt != null && e.RequestedAt >= since);
        if (ownerTeam is not null)
        {
            query = query.Where(e => e.OwnerTeam == ownerTeam);
        }
        var ready = await query.Select(e => new { e.Type, e.RequestedAt, e.ReadyAt }).ToListAsync(cancellationToken);
        return ready.GroupBy(e => e.Type).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            var seconds = g.Select(e => (e.ReadyAt!.Value - e.RequestedAt).TotalSeconds).Order().ToList();
            return new TimeToReady(g.Key, seconds.Count, EnvironmentFigures.Percentile(seconds, 0.50), EnvironmentFigures.Percentile(seconds, 0.95));
        }).ToList();
    }
}

/// <summary>An environment as other features may know it with its tier and status (see <see cref="EnvironmentReads.LiveAsync"/>).</summary>
public sealed record ComponentEnvironment(string Name, string Component, string Tier, string Status);

/// <summary>An environment that exists and how it breaks the policy in force (empty: compliant); see <see cref="EnvironmentReads.ComplianceAsync"/>.</summary>
public sealed record EnvironmentComplianceRow(string Name, string Component, string Tier, IReadOnlyList<string> Problems);

/// <summary>One status change of an environment (see <see cref="EnvironmentReads.ChangesAsync"/>); <paramref name="From"/> is null for its request.</summary>
public sealed record EnvironmentChange(Guid Id, string Environment, string Component, string Tier, string? From, string To, DateTimeOffset At, string Actor,
    string? Comment);
