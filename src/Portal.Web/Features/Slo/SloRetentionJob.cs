using Hangfire;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;
using Portal.Web.Features.Slo.Ingestion;

namespace Portal.Web.Features.Slo;

/// <summary>
/// SLO data retention (recurring job <see cref="RecurringId"/>, hourly): stale streams (a cumulative stream not seen
/// for StreamExpiryDays starts afresh if it comes back), counts past their resolution's retention, RED minutes past
/// the backfill horizon, resolved alerts after 90 days. Each delete is one index range.
/// </summary>
public sealed class SloRetentionJob(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time, Microsoft.Extensions.Options.IOptions<SloOptions> options)
{
    public const string RecurringId = "slo-retention";

    [AutomaticRetry(Attempts = 0)]
    [DisableConcurrentExecution(600)]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var expired = now.AddDays(-options.Value.StreamExpiryDays);
        // A stream's last-seen time is its newest row's (table or journal): with none old enough in either, nothing can
        // expire, and the journal (up to a thousand exports' states) is not read under the ingestion lock for nothing.
        if (await db.Set<MetricStream>().AnyAsync(s => s.LastSeenAt < expired, cancellationToken)
            || await db.Set<StreamJournalEntry>().AnyAsync(e => e.States != null && e.WrittenAt < expired, cancellationToken))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            // The journal first goes into the table (a stream seen lately may have its last-seen time only there).
            await StreamJournal.PrepareDeleteAsync((Npgsql.NpgsqlConnection)db.Database.GetDbConnection(), now, cancellationToken);
            await db.Set<MetricStream>().Where(s => s.LastSeenAt < expired).ExecuteDeleteAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        await DeleteOldMinutesAsync(db, now, cancellationToken);
        foreach (var (span, before) in new[]
        {
            (CountSpans.Hour, now - CountRetention.Default.Hours - TimeSpan.FromDays(1)),
            (CountSpans.Day, now.AddDays(-400)),
        })
        {
            await db.Set<SloCount>().Where(c => c.Span == span && c.Bucket < before).ExecuteDeleteAsync(cancellationToken);
        }
        var red = now.AddDays(-options.Value.MaxBackfillDays - 1);
        await db.Set<ServiceMinute>().Where(m => m.Minute < red).ExecuteDeleteAsync(cancellationToken);
        var history = now.AddDays(-90);
        await db.Set<SloAlert>().Where(a => a.State == AlertStates.Resolved && a.ResolvedAt < history).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>
    /// Minute counts past the minute retention, except a calendar month's first partial UTC hour while the month lasts
    /// (<see cref="SloDefinition.StartEdgeAt"/>): its period starts there, and hour rows cannot split that hour.
    /// </summary>
    private static async Task DeleteOldMinutesAsync(PortalDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var before = now - CountRetention.Default.Minutes - TimeSpan.FromHours(1);
        var calendar = await db.Set<SloDefinition>().AsNoTracking().Where(s => s.WindowKind == "calendar").ToListAsync(cancellationToken);
        var edges = calendar.Select(s => (s.Id, Edge: s.StartEdgeAt(now))).Where(e => e.Edge is not null).Select(e => (e.Id, e.Edge!.Value)).ToList();
        if (edges.Count == 0)
        {
            await db.Set<SloCount>().Where(c => c.Span == CountSpans.Minute && c.Bucket < before).ExecuteDeleteAsync(cancellationToken);
            return;
        }
        var ids = edges.Select(e => e.Id).ToArray();
        var froms = edges.Select(e => e.Item2.From).ToArray();
        var tos = edges.Select(e => e.Item2.To).ToArray();
        await db.Database.ExecuteSqlAsync($"""
            DELETE FROM slo_counts c WHERE c.span = 0 AND c.bucket < {before}
              AND NOT EXISTS (SELECT 1 FROM unnest({ids}, {froms}, {tos}) AS e(id, f, t) WHERE c.slo_id = e.id AND c.bucket >= e.f AND c.bucket < e.t)
            """, cancellationToken);
    }
}
