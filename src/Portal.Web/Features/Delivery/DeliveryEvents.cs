using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Web.Data;

namespace Portal.Web.Features.Delivery;

/// <summary>
/// Stores validated build and deployment events, one row per (component, run id): a retry of the same run updates that
/// row instead of counting twice, and a late "running" (webhooks arrive out of order) never undoes a finished run
/// unless it is a re-run that started later. After each save the per-day rollup is brought up to date
/// (<see cref="DeliveryRollup.RefreshAsync"/>), from the stored rows, so a retry changes nothing there either.
/// </summary>
public static class DeliveryEvents
{
    public static async Task<(DeliveryBuild Build, bool Created)> RecordAsync(PortalDbContext db, DeliveryOptions options, string componentRef, BuildEvent e, string source,
        DateTimeOffset now, CancellationToken ct)
    {
        var runId = DeliveryEventRules.Normalize(e.RunId!);
        for (var attempt = 0; ; attempt++)
        {
            var build = await db.DeliveryBuilds.FirstOrDefaultAsync(b => b.ComponentRef == componentRef && b.RunId == runId, ct);
            var created = build is null;
            build ??= db.DeliveryBuilds.Add(new DeliveryBuild
            {
                ComponentRef = componentRef, RunId = runId, Pipeline = "", CommitSha = "", Status = "", Source = source, ReceivedAt = now,
            }).Entity;
            var before = build.FinishedAt;
            var status = e.Status!.Trim().ToLowerInvariant();
            if (created || !Regresses(build.Status, build.StartedAt, status, e.StartedAt!.Value))
            {
                build.Pipeline = DeliveryEventRules.Normalize(e.Pipeline!);
                build.CommitSha = DeliveryEventRules.NormalizeSha(e.CommitSha!);
                build.Branch = e.Branch?.Trim();
                build.Status = status;
                build.StartedAt = e.StartedAt!.Value.ToUniversalTime();
                build.FinishedAt = e.FinishedAt?.ToUniversalTime();
                build.Url = e.Url;
                build.Source = source;
                build.UpdatedAt = now;
            }
            if (await SaveAsync(db, attempt, ct))
            {
                await DeliveryRollup.RefreshAsync(db, options, componentRef, before, build.FinishedAt, false, ct);
                return (build, created);
            }
        }
    }

    public static async Task<(DeliveryDeployment Deployment, bool Created)> RecordAsync(PortalDbContext db, DeliveryOptions options, string componentRef, DeploymentEvent e,
        string source, DateTimeOffset now, CancellationToken ct)
    {
        var runId = DeliveryEventRules.Normalize(e.RunId!);
        for (var attempt = 0; ; attempt++)
        {
            var deployment = await db.DeliveryDeployments.FirstOrDefaultAsync(d => d.ComponentRef == componentRef && d.RunId == runId, ct);
            var created = deployment is null;
            deployment ??= db.DeliveryDeployments.Add(new DeliveryDeployment
            {
                ComponentRef = componentRef, RunId = runId, Environment = "", CommitSha = "", Status = "", Source = source, ReceivedAt = now,
            }).Entity;
            var before = deployment.FinishedAt;
            var status = e.Status!.Trim().ToLowerInvariant();
            var started = e.StartedAt ?? e.FinishedAt ?? now;
            if (created || !Regresses(deployment.Status, deployment.StartedAt ?? deployment.FinishedAt ?? deployment.ReceivedAt, status, started))
            {
                var commits = (e.Commits ?? []).Select(c => new DeploymentCommit(DeliveryEventRules.NormalizeSha(c.Sha!), c.CommittedAt?.ToUniversalTime()))
                    .DistinctBy(c => c.Sha).ToList();
                deployment.Environment = DeliveryEventRules.Normalize(e.Environment!).ToLowerInvariant();
                deployment.Version = e.Version?.Trim();
                deployment.CommitSha = e.CommitSha is { Length: > 0 } sha ? DeliveryEventRules.NormalizeSha(sha)
                    : commits.OrderByDescending(c => c.CommittedAt).First().Sha;
                if (commits.Count == 0)
                {
                    commits.Add(new DeploymentCommit(deployment.CommitSha, null));
                }
                deployment.Commits = commits;
                deployment.Status = status;
                deployment.Rollback = e.Rollback ?? false;
                deployment.StartedAt = e.StartedAt?.ToUniversalTime();
                deployment.FinishedAt = e.FinishedAt?.ToUniversalTime();
                deployment.Url = e.Url;
                deployment.DeployedBy = e.DeployedBy?.Trim();
                deployment.Source = source;
                deployment.UpdatedAt = now;
            }
            if (await SaveAsync(db, attempt, ct))
            {
                await DeliveryRollup.RefreshAsync(db, options, componentRef, before, deployment.FinishedAt, true, ct);
                return (deployment, created);
            }
        }
    }

    /// <summary>A "running" report for a run already finished, from the same or an earlier start: an old message, not news.</summary>
    private static bool Regresses(string stored, DateTimeOffset storedStart, string incoming, DateTimeOffset incomingStart) =>
        DeliveryStatuses.IsFinished(stored) && !DeliveryStatuses.IsFinished(incoming) && incomingStart <= storedStart;

    /// <summary>Saves; false when a concurrent retry inserted the same run first (then the caller updates that row instead).</summary>
    private static async Task<bool> SaveAsync(PortalDbContext db, int attempt, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException ex) when (attempt == 0 && ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            db.ChangeTracker.Clear();
            return false;
        }
    }
}
