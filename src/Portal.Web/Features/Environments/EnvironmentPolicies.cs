using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;
using Portal.Web.Features.Identity;

namespace Portal.Web.Features.Environments;

/// <summary>Saving a policy: valid YAML only, each save a new version, audited with the diff.</summary>
public static class EnvironmentPolicies
{
    public const int MaxYamlLength = 256 * 1024;

    public static async Task<(EnvironmentPolicyVersion? Saved, IReadOnlyList<string> Errors)> SaveAsync(PortalDbContext db, AuditActor actor, string yaml,
        string? comment, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (yaml.Length > MaxYamlLength)
        {
            return (null, [$"The policy is {yaml.Length:N0} characters; the limit is {MaxYamlLength:N0}."]);
        }
        var (policy, errors) = EnvironmentPolicySet.Parse(yaml);
        if (policy is null)
        {
            await AuditLog.WriteAsync(db, actor, "environment.policy.update", "environment-policy", "failed", cancellationToken);
            return (null, errors);
        }
        var (currentVersion, _) = await EnvironmentService.LoadPolicyAsync(db, cancellationToken);
        var current = await db.EnvironmentPolicyVersions.AsNoTracking().FirstAsync(p => p.Version == currentVersion, cancellationToken);
        var saved = new EnvironmentPolicyVersion
        {
            Version = currentVersion + 1, Yaml = yaml, CreatedAt = now, CreatedBy = actor.Name, Comment = string.IsNullOrWhiteSpace(comment) ? null : comment.Trim(),
        };
        db.EnvironmentPolicyVersions.Add(saved);
        AuditLog.Record(db, actor, "environment.policy.update", "environment-policy",
            before: new { current.Version, current.Yaml }, after: new { saved.Version, saved.Yaml });
        await db.SaveChangesAsync(cancellationToken);
        return (saved, []);
    }
}
