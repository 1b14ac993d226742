using System.Text.Json;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Web.Data;
using Portal.Web.Infrastructure.Notifications;

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
    }
}

/// <summary>
/// Evaluates every SLO's burn-rate rules once a minute (recurring job <see cref="RecurringId"/>): a rule whose two
/// windows both burn too fast goes pending, fires if it still does a minute later, and resolves when it stops;
/// firing and resolving are sent to the notification webhook with the explanation and the component's runbook.
/// Idempotent: an evaluation of the same minute twice changes nothing.
/// </summary>
public sealed class SloAlertJob(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time, WebhookNotifier notifier,
    Microsoft.Extensions.Options.IOptions<SloOptions> options, ILogger<SloAlertJob> logger)
{
    public const string RecurringId = "slo-alerts";

    [AutomaticRetry(Attempts = 0)]
    [DisableConcurrentExecution(60)]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // Stale streams expire: a cumulative stream not seen for StreamExpiryDays starts afresh if it comes back.
        var expired = now.AddDays(-options.Value.StreamExpiryDays);
        await db.Set<MetricStream>().Where(s => s.LastSeenAt < expired).ExecuteDeleteAsync(cancellationToken);
        var slos = await db.Set<SloDefinition>().AsNoTracking().ToListAsync(cancellationToken);
        foreach (var slo in slos)
        {
            try
            {
                await EvaluateAsync(db, slo, now, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "The alerts of SLO {Slo} could not be evaluated", slo.Id);
            }
        }
    }

    private async Task EvaluateAsync(PortalDbContext db, SloDefinition slo, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var view = await SloEndpoints.ViewAsync(db, slo, now, cancellationToken);
        var minute = SloMath.MinuteOf(now);
        var open = await db.Set<SloAlert>().Where(a => a.SloId == slo.Id && a.State != AlertStates.Resolved).ToListAsync(cancellationToken);
        var notifications = new List<Notification>();
        foreach (var rule in view.Alerts)
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
                    notifications.Add(await NotificationAsync(db, slo, view, episode, rule, "slo.alert.firing", cancellationToken));
                }
                episode.LastEvaluatedAt = minute;
                episode.Factor = rule.Factor;
                episode.LongBurn = rule.LongBurn;
                episode.ShortBurn = rule.ShortBurn;
                episode.BudgetConsumed = view.ErrorBudget.Consumed;
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
                    notifications.Add(await NotificationAsync(db, slo, view, episode, rule, "slo.alert.resolved", cancellationToken));
                }
            }
        }
        await db.SaveChangesAsync(cancellationToken);
        foreach (var notification in notifications)
        {
            await notifier.SendAsync(notification, cancellationToken);
        }
    }

    private static async Task<Notification> NotificationAsync(PortalDbContext db, SloDefinition slo, SloView view, SloAlert alert, RuleState rule, string @event,
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
            ["budgetRemaining"] = view.ErrorBudget.Remaining is { } r ? r.ToString("P2", System.Globalization.CultureInfo.InvariantCulture) : "no data",
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
