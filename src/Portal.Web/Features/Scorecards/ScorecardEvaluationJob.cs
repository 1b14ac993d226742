using Hangfire;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Incidents;

namespace Portal.Web.Features.Scorecards;

/// <summary>
/// Evaluates the scorecards: on a schedule (SLOs, telemetry and cost move without the catalog changing), when the catalog
/// changed (a cheap version check every minute), and when an admin imports or asks. Idempotent: a second run on the
/// same signals changes no result and adds no history.
/// </summary>
public sealed class ScorecardEvaluationJob(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time, AlertRouting routing,
    ILogger<ScorecardEvaluationJob> logger)
{
    public const string RecurringId = "scorecards-evaluate";
    public const string OnChangeRecurringId = "scorecards-on-catalog-change";
    public const string VersionSettingKey = "scorecards-catalog-version";

    /// <summary>Evaluates the given scorecards (every enabled one when null or empty).</summary>
    [AutomaticRetry(Attempts = 1)]
    [DisableConcurrentExecution(600)]
    public async Task<IReadOnlyList<ScorecardRun>> RunAsync(Guid[]? scorecardIds, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var version = await CatalogReads.VersionAsync(db, cancellationToken);
        if (scorecardIds is not { Length: > 0 })
        {
            // Scorecards kept in git follow their catalog entities before the run judges with them.
            var sync = await ScorecardCatalogSource.SyncAsync(db, time.GetUtcNow(), cancellationToken);
            foreach (var problem in sync.Refused)
            {
                logger.LogWarning("Catalog entity {Ref} from {Location} defines no scorecard: {Reason}", problem.EntityRef, problem.Location, problem.Message);
            }
            if (sync.Created.Count + sync.Updated.Count + sync.Removed.Count > 0)
            {
                logger.LogInformation("Scorecards from the catalog: created {Created}, updated {Updated}, removed {Removed}",
                    string.Join(", ", sync.Created), string.Join(", ", sync.Updated), string.Join(", ", sync.Removed));
            }
        }
        var runs = await ScorecardEvaluation.RunAsync(db, scorecardIds is { Length: > 0 } ? scorecardIds : null, time.GetUtcNow(), cancellationToken, routing);
        if (scorecardIds is not { Length: > 0 })
        {
            await RememberAsync(db, version, cancellationToken);
        }
        // Campaign progress moves only when results do: one row per team whose count changed.
        await CampaignCommands.RecordProgressAsync(db, time.GetUtcNow(), cancellationToken);
        foreach (var run in runs)
        {
            logger.LogInformation("Scorecard {Id}: {Entities} entities, {Passed}/{Total} checks pass, {Changed} results changed in {Seconds:0.0} s",
                run.ScorecardId, run.Entities, run.PassedChecks, run.TotalChecks, run.ChangedResults, run.Seconds);
        }
        return runs;
    }

    /// <summary>Evaluates every enabled scorecard when the catalog changed since the last full evaluation; returns whether it ran.</summary>
    [AutomaticRetry(Attempts = 0)]
    [DisableConcurrentExecution(600)]
    public async Task<bool> OnCatalogChangeAsync(CancellationToken cancellationToken)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var version = await CatalogReads.VersionAsync(db, cancellationToken);
            var last = await db.Settings.AsNoTracking().Where(s => s.Key == VersionSettingKey).Select(s => s.Value).FirstOrDefaultAsync(cancellationToken);
            if (last == version)
            {
                return false;
            }
        }
        await RunAsync(null, cancellationToken);
        return true;
    }

    private async Task RememberAsync(PortalDbContext db, string version, CancellationToken cancellationToken)
    {
        var setting = await db.Settings.FirstOrDefaultAsync(s => s.Key == VersionSettingKey, cancellationToken);
        if (setting is null)
        {
            db.Settings.Add(new PortalSetting { Key = VersionSettingKey, Value = version, UpdatedAt = time.GetUtcNow() });
        }
        else
        {
            (setting.Value, setting.UpdatedAt) = (version, time.GetUtcNow());
        }
        await db.SaveChangesAsync(cancellationToken);
    }
}
