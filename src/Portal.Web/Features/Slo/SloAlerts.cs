using System.Text.Json;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Web.Data;
using Portal.Web.Infrastructure.Notifications;
using Portal.Web.Features.Catalog;

namespace Portal.Web.Features.Slo;

public static class AlertStates
{
    /// <summary>The condition held at one evaluation; it fires if it still holds at the next.</summary>
    public const string Pending = "pending";
    public const string Firing = "firing";
    public const string Resolved = "resolved";
}

/// <summary>One episode of one burn-rate rule of one SLO: pending, then firing, then resolved. Rows are the alert history.</summary>
public sealed class SloAlert
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid SloId { get; set; }

    /// <summary>"page-1h-5m": severity and the rule's two windows.</summary>
    public required string Rule { get; set; }
    public required string Severity { get; set; }
    public string State { get; set; } = AlertStates.Pending;
    public DateTimeOffset PendingAt { get; set; }
    public DateTimeOffset? FiredAt { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }
    public DateTimeOffset LastEvaluatedAt { get; set; }
    public decimal Factor { get; set; }
    public decimal? LongBurn { get; set; }
    public decimal? ShortBurn { get; set; }
    public decimal? BudgetConsumed { get; set; }
    public required string Explanation { get; set; }
}

internal sealed class SloAlertConfiguration : IEntityTypeConfiguration<SloAlert>
{
    public void Configure(EntityTypeBuilder<SloAlert> builder)
    {
        builder.ToTable("slo_alerts");
        builder.HasKey(a => a.Id);
        builder.HasIndex(a => new { a.SloId, a.Rule, a.State });
        builder.HasIndex(a => a.PendingAt);
        builder.Property(a => a.Rule).HasMaxLength(40);
        builder.Property(a => a.State).HasMaxLength(10);
        builder.HasOne<SloDefinition>().WithMany().HasForeignKey(a => a.SloId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>
/// Evaluates every SLO's burn-rate rules once a minute (recurring job <see cref="RecurringId"/>): a rule whose two
/// windows both burn too fast goes pending, fires if it still does a minute later, and resolves when it stops;
/// firing and resolving are sent to the notification webhook with the explanation and the component's runbook.
/// Idempotent: an evaluation of the same minute twice changes nothing.
/// </summary>
public sealed class SloAlertJob(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time, WebhookNotifier notifier,
    ILogger<SloAlertJob> logger)
{
    public const string RecurringId = "slo-alerts";

    [AutomaticRetry(Attempts = 0)]
    [DisableConcurrentExecution(60)]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var slos = await db.Set<SloDefinition>().AsNoTracking().ToListAsync(cancellationToken);
        var results = await SloEvaluation.EvaluateAsync(db, slos, now, allSlos: true, cancellationToken);
        var open = (await db.Set<SloAlert>().Where(a => a.State != AlertStates.Resolved).ToListAsync(cancellationToken)).ToLookup(a => a.SloId);
        var changes = new List<(SloDefinition Slo, SloFigures Figures, SloAlert Alert, RuleState Rule, string Event)>();
        foreach (var slo in slos)
        {
            changes.AddRange(Transitions(db, slo, results[slo.Id].Figures, open[slo.Id].ToList(), SloMath.MinuteOf(now)));
        }
        await db.SaveChangesAsync(cancellationToken);
        foreach (var (slo, figures, alert, rule, @event) in changes)
        {
            try
            {
                await notifier.SendAsync(await NotificationAsync(db, slo, figures, rule, @event, cancellationToken), cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "The {Event} notification of SLO {Slo} ({Rule}) could not be sent", @event, slo.Id, alert.Rule);
            }
        }
    }


    /// <summary>One SLO's rules against its open episodes: new pending episodes, firing and resolving (to notify). Same minute twice: no change.</summary>
    private static List<(SloDefinition, SloFigures, SloAlert, RuleState, string)> Transitions(PortalDbContext db, SloDefinition slo, SloFigures figures,
        List<SloAlert> open, DateTimeOffset minute)
    {
        var changes = new List<(SloDefinition, SloFigures, SloAlert, RuleState, string)>();
        foreach (var rule in figures.Rules)
        {
            var key = $"{rule.Severity}-{rule.LongWindow}-{rule.ShortWindow}";
            var episode = open.FirstOrDefault(a => a.Rule == key);
            if (episode is not null && episode.LastEvaluatedAt >= minute)
            {
                continue; // this minute was evaluated already
            }
            if (rule.Firing)
            {
                if (episode is null)
                {
                    episode = new SloAlert { SloId = slo.Id, Rule = key, Severity = rule.Severity, PendingAt = minute, Explanation = rule.Explanation };
                    db.Add(episode);
                }
                else if (episode.State == AlertStates.Pending)
                {
                    episode.State = AlertStates.Firing;
                    episode.FiredAt = minute;
                    changes.Add((slo, figures, episode, rule, "slo.alert.firing"));
                }
                episode.LastEvaluatedAt = minute;
                episode.Factor = rule.Factor;
                episode.LongBurn = rule.LongBurn;
                episode.ShortBurn = rule.ShortBurn;
                episode.BudgetConsumed = figures.ErrorBudget.Consumed;
                episode.Explanation = rule.Explanation;
            }
            else if (episode is not null)
            {
                var wasFiring = episode.State == AlertStates.Firing;
                episode.State = AlertStates.Resolved;
                episode.ResolvedAt = minute;
                episode.LastEvaluatedAt = minute;
                episode.Explanation = rule.Explanation;
                if (wasFiring)
                {
                    changes.Add((slo, figures, episode, rule, "slo.alert.resolved"));
                }
            }
        }
        // Episodes of rules the SLO no longer has (its policy changed) resolve quietly.
        foreach (var stale in open.Where(a => figures.Rules.All(r => $"{r.Severity}-{r.LongWindow}-{r.ShortWindow}" != a.Rule)))
        {
            stale.State = AlertStates.Resolved;
            stale.ResolvedAt = minute;
            stale.LastEvaluatedAt = minute;
        }
        return changes;
    }

    private static async Task<Notification> NotificationAsync(PortalDbContext db, SloDefinition slo, SloFigures figures, RuleState rule, string @event,
        CancellationToken cancellationToken)
    {
        var runbook = await RunbookAsync(db, slo.ComponentRef, cancellationToken);
        var firing = @event == "slo.alert.firing";
        var title = $"{(firing ? rule.Severity.ToUpperInvariant() : "Resolved")}: {slo.DisplayName ?? slo.Name} on {slo.ComponentRef}";
        var fields = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["slo"] = slo.Name,
            ["component"] = slo.ComponentRef,
            ["severity"] = rule.Severity,
            ["windows"] = $"{rule.LongWindow} and {rule.ShortWindow}",
            ["threshold"] = rule.Factor.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture),
            ["budgetRemaining"] = figures.ErrorBudget.Remaining is { } r ? r.ToString("P2", System.Globalization.CultureInfo.InvariantCulture) : "no data",
        };
        if (runbook is not null)
        {
            fields["runbook"] = runbook;
        }
        return new Notification(@event, title, rule.Explanation, runbook ?? $"/slos/{slo.Id}", fields);
    }

    private static readonly string[] LinkWords = ["title", "type", "icon"];

    /// <summary>The component's runbook: a catalog link titled or typed "runbook".</summary>
    public static async Task<string?> RunbookAsync(PortalDbContext db, string componentRef, CancellationToken cancellationToken)
    {
        var document = await db.CatalogEntities.AsNoTracking().Where(e => e.EntityRef == componentRef).Select(e => e.Document).FirstOrDefaultAsync(cancellationToken);
        if (document is null || !document.RootElement.TryGetProperty("metadata", out var metadata) || !metadata.TryGetProperty("links", out var links)
            || links.ValueKind != JsonValueKind.Array)
        {
            return null;
        }
        foreach (var link in links.EnumerateArray())
        {
            var text = string.Join(' ', LinkWords.Select(k => link.TryGetProperty(k, out var v) ? v.ToString() : ""));
            if (text.Contains("runbook", StringComparison.OrdinalIgnoreCase) && link.TryGetProperty("url", out var url))
            {
                return url.GetString();
            }
        }
        return null;
    }
}

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
        foreach (var (span, before) in new[]
        {
            (CountSpans.Minute, now - CountRetention.Default.Minutes - TimeSpan.FromHours(1)),
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
}
