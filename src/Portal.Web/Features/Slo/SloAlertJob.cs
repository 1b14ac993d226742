using System.Text.Json;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;
using Portal.Web.Infrastructure.Extensions;
using Portal.Web.Infrastructure.Notifications;

namespace Portal.Web.Features.Slo;

/// <summary>
/// Evaluates every SLO's burn-rate rules once a minute (recurring job <see cref="RecurringId"/>): a rule whose two
/// windows both burn too fast goes pending, fires if it still does a minute later, and resolves when it stops;
/// firing and resolving are sent to the notification webhook with the explanation and the component's runbook.
/// Idempotent: an evaluation of the same minute twice changes nothing.
/// </summary>
public sealed class SloAlertJob(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time, WebhookNotifier notifier,
    IEnumerable<IAlertListener> listeners, IEnumerable<IAlertSuppressor> suppressors, ILogger<SloAlertJob> logger)
{
    public const string RecurringId = "slo-alerts";

    /// <summary>How many notifications are posted at once.</summary>
    public const int ParallelSends = 8;

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
        var reported = new List<AlertChange>(changes.Count);
        var suppressed = await SuppressedAsync(changes.Select(c => c.Slo.ComponentRef).ToHashSet(StringComparer.Ordinal), now, cancellationToken);
        // The changed components' runbooks in one query, not one per change: a bad minute can change thousands of alerts.
        var runbooks = changes.Count == 0 ? new Dictionary<string, string?>()
            : (await CatalogReads.DescriptorsOfAsync(db, changes.Select(c => c.Slo.ComponentRef), cancellationToken)).ToDictionary(d => d.Key, d => RunbookIn(d.Value));
        // Titles call the component by its catalog name (the ref stays in the fields), all names in one query.
        IReadOnlyDictionary<string, string> names = changes.Count == 0 ? new Dictionary<string, string>()
            : await CatalogReads.DisplayNamesAsync(db, changes.Select(c => c.Slo.ComponentRef), cancellationToken);
        var outgoing = new List<Notification>(changes.Count);
        foreach (var (slo, figures, alert, rule, @event) in changes)
        {
            var notification = NotificationOf(slo, figures, rule, @event, runbooks.GetValueOrDefault(slo.ComponentRef),
                names.GetValueOrDefault(slo.ComponentRef.ToLowerInvariant()));
            var quiet = suppressed.Contains(slo.ComponentRef);
            reported.Add(new AlertChange(@event, alert.Id, slo.Id, slo.Name, slo.ComponentRef, alert.Rule, rule.Severity, notification.Title,
                rule.Explanation, notification.Fields.GetValueOrDefault("runbook"), notification.Fields, now) { Suppressed = quiet });
            if (!quiet)
            {
                outgoing.Add(notification);
            }
        }
        // Several posts at a time: one after the other, a receiver's round trip per alert would bound the cycle.
        await Parallel.ForEachAsync(outgoing, new ParallelOptions { MaxDegreeOfParallelism = ParallelSends, CancellationToken = cancellationToken },
            async (notification, ct) =>
            {
                try
                {
                    await notifier.SendAsync(notification, ct);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogWarning(ex, "The {Event} notification ({Title}) could not be sent", notification.Event, notification.Title);
                }
            });
        if (reported.Count == 0)
        {
            return;
        }
        foreach (var listener in listeners)
        {
            try
            {
                await listener.OnAlertsAsync(reported, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "An alert listener ({Listener}) failed on {Count} alert changes", listener.GetType().Name, reported.Count);
            }
        }
    }

    /// <summary>The components in a maintenance window now (any suppressor's say); a failing suppressor is logged and suppresses nothing.</summary>
    private async Task<HashSet<string>> SuppressedAsync(HashSet<string> components, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var suppressed = new HashSet<string>(StringComparer.Ordinal);
        if (components.Count == 0)
        {
            return suppressed;
        }
        foreach (var suppressor in suppressors)
        {
            try
            {
                suppressed.UnionWith(await suppressor.SuppressedAsync(components, now, cancellationToken));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "An alert suppressor ({Suppressor}) failed", suppressor.GetType().Name);
            }
        }
        return suppressed;
    }

    /// <summary>One SLO's rules against its open episodes: new pending episodes, firing and resolving (to notify). Same minute twice: no change.</summary>
    private static List<(SloDefinition, SloFigures, SloAlert, RuleState, string)> Transitions(PortalDbContext db, SloDefinition slo, SloFigures figures,
        List<SloAlert> open, DateTimeOffset minute)
    {
        var changes = new List<(SloDefinition, SloFigures, SloAlert, RuleState, string)>();
        foreach (var rule in figures.Rules)
        {
            var key = rule.Key;
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
        foreach (var stale in open.Where(a => figures.Rules.All(r => r.Key != a.Rule)))
        {
            stale.State = AlertStates.Resolved;
            stale.ResolvedAt = minute;
            stale.LastEvaluatedAt = minute;
        }
        return changes;
    }

    private static Notification NotificationOf(SloDefinition slo, SloFigures figures, RuleState rule, string @event, string? runbook, string? componentName)
    {
        var firing = @event == "slo.alert.firing";
        var title = $"{(firing ? rule.Severity.ToUpperInvariant() : "Resolved")}: {(rule.Kind == RuleKinds.NoData ? "no data for " : "")}{slo.DisplayName ?? slo.Name} on {componentName ?? slo.ComponentRef}";
        var fields = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["slo"] = slo.Name,
            ["component"] = slo.ComponentRef,
            ["severity"] = rule.Severity,
            ["condition"] = rule.Kind,
            ["windows"] = rule.Kind == RuleKinds.NoData ? rule.LongWindow : $"{rule.LongWindow} and {rule.ShortWindow}",
            ["budgetRemaining"] = figures.ErrorBudget.Remaining is { } r ? r.ToString("P2", System.Globalization.CultureInfo.InvariantCulture) : "no data",
        };
        if (rule.Kind == RuleKinds.BurnRate)
        {
            fields["threshold"] = rule.Factor.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);
        }
        if (runbook is not null)
        {
            fields["runbook"] = runbook;
        }
        return new Notification(@event, title, rule.Explanation, runbook ?? $"/slos/{slo.Id}", fields);
    }

    private static readonly string[] LinkWords = ["title", "type", "icon"];

    /// <summary>A component's runbook in its descriptor: a catalog link titled or typed "runbook", or null.</summary>
    public static string? RunbookIn(JsonDocument document)
    {
        if (!document.RootElement.TryGetProperty("metadata", out var metadata) || !metadata.TryGetProperty("links", out var links)
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
