using Hangfire;
using Hangfire.Storage;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Slo;

namespace Portal.Web.Features.Incidents;

/// <summary>
/// The portal's own health for the on-call dashboard: its SLOs (the self-metrics component, through <see cref="SloReads"/>),
/// Hangfire's failed and waiting jobs, and when the minute jobs that page people (the alert cycle, escalation) last ran.
/// If those stop, nobody is paged, so the person on call sees it next to the incidents.
/// </summary>
public static class OnCallHealth
{
    /// <summary>A minute job whose last run is older than this is late (missed two cycles): its server stopped or is swamped.</summary>
    public static readonly TimeSpan LateAfter = TimeSpan.FromMinutes(3);

    public const string Ok = "ok", Late = "late", Failed = "failed", Never = "never";

    public static async Task<PortalHealthView> LoadAsync(PortalDbContext db, JobStorage jobs, string selfServiceName, DateTimeOffset now, CancellationToken ct)
    {
        var name = selfServiceName.ToLowerInvariant(); // catalog names are stored lower-case
        var self = await CatalogReads.Active(db, CatalogKinds.Component).Where(i => i.Name == name).OrderBy(i => i.Ref).Select(i => i.Ref).FirstOrDefaultAsync(ct);
        IReadOnlyList<SloBudgetState> slos = self is null ? [] : await SloReads.BudgetStatesAsync(db, [self], now, ct);
        // Hangfire's monitoring API is synchronous (a few reads of its tables): kept off the circuit's thread.
        var (stats, recurring) = await Task.Run(() =>
        {
            using var connection = jobs.GetConnection();
            return (jobs.GetMonitoringApi().GetStatistics(), connection.GetRecurringJobs([SloReads.AlertJobId, IncidentEscalationJob.RecurringId]));
        }, ct);
        JobHealth Job(string id, string title)
        {
            var job = recurring.FirstOrDefault(j => j.Id == id && !j.Removed);
            return new JobHealth(id, title, job?.LastExecution, job?.LastJobState, Judge(job?.LastExecution, job?.LastJobState, now));
        }
        return new PortalHealthView(self, slos, stats.Failed, stats.Enqueued, stats.Servers,
            [Job(SloReads.AlertJobId, "SLO alert cycle"), Job(IncidentEscalationJob.RecurringId, "Incident escalation")]);
    }

    /// <summary>A minute job's state: never run, its last run failed, late (last run over <see cref="LateAfter"/> ago), or ok.</summary>
    public static string Judge(DateTime? lastRun, string? lastState, DateTimeOffset now) =>
        lastRun is not { } run ? Never
        : string.Equals(lastState, "Failed", StringComparison.OrdinalIgnoreCase) ? Failed
        : now - new DateTimeOffset(DateTime.SpecifyKind(run, DateTimeKind.Utc)) > LateAfter ? Late
        : Ok;
}

/// <summary>The portal's own health (see <see cref="OnCallHealth"/>); <see cref="SelfComponent"/> is null when the catalog has no component for it.</summary>
public sealed record PortalHealthView(string? SelfComponent, IReadOnlyList<SloBudgetState> Slos, long FailedJobs, long WaitingJobs, long Servers,
    IReadOnlyList<JobHealth> Jobs);

/// <summary>A recurring job's last run (Hangfire keeps UTC times without a kind) and its <see cref="OnCallHealth.Judge"/>ment.</summary>
public sealed record JobHealth(string Id, string Title, DateTime? LastRun, string? LastState, string Status);
