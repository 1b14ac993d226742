using Hangfire;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Slo;

namespace Portal.Web.Components.Home;

/// <summary>
/// The portal's own health for admins on the home, from read surfaces only: its SLOs (the self-metrics component), how fresh
/// its own and anyone's accepted metrics are (ingestion lag), and Hangfire's failed, processing and waiting jobs.
/// </summary>
public static class PlatformHealth
{
    /// <summary>Metrics older than this from the portal itself mean the self-metrics exporter or ingestion has stalled.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(5);

    public static async Task<PlatformHealthView> LoadAsync(PortalDbContext db, JobStorage jobs, string selfServiceName, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var name = selfServiceName.ToLowerInvariant(); // catalog names are stored lower-case
        var self = await CatalogReads.Active(db, CatalogKinds.Component).Where(i => i.Name == name)
            .OrderBy(i => i.Ref).Select(i => i.Ref).FirstOrDefaultAsync(cancellationToken);
        IReadOnlyList<SloBudgetState> slos = self is null ? [] : await SloReads.BudgetStatesAsync(db, [self], now, cancellationToken);
        var seen = await SloReads.TelemetryLastSeenAsync(db, cancellationToken);
        DateTimeOffset? own = self is not null && seen.TryGetValue(self, out var at) ? at : null;
        DateTimeOffset? newest = seen.Count == 0 ? null : seen.Values.Max();
        // Hangfire's monitoring API is synchronous (a few counts from its tables): kept off the circuit's thread.
        var stats = await Task.Run(() => jobs.GetMonitoringApi().GetStatistics(), cancellationToken);
        return new PlatformHealthView(self, slos, own, newest, stats.Failed, stats.Processing, stats.Enqueued, stats.Servers);
    }

    /// <summary>"12 s ago", "4 min ago", "3 h ago", "2 days ago": how long since <paramref name="at"/>.</summary>
    public static string Ago(DateTimeOffset at, DateTimeOffset now)
    {
        var age = now - at;
        return age.TotalSeconds < 90 ? $"{Math.Max(0, (int)age.TotalSeconds)} s ago"
            : age.TotalMinutes < 90 ? $"{(int)age.TotalMinutes} min ago"
            : age.TotalHours < 48 ? $"{(int)age.TotalHours} h ago"
            : $"{(int)age.TotalDays} days ago";
    }
}

/// <summary>
/// The platform's health: <see cref="SelfComponent"/> is the catalog component the portal's own metrics go to (null: none in the
/// catalog); the times are when metrics were last accepted from the portal and from anyone.
/// </summary>
public sealed record PlatformHealthView(string? SelfComponent, IReadOnlyList<SloBudgetState> Slos, DateTimeOffset? OwnMetricsAt,
    DateTimeOffset? NewestMetricsAt, long FailedJobs, long ProcessingJobs, long EnqueuedJobs, long Servers);
