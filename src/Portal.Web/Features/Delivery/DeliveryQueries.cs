using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;

namespace Portal.Web.Features.Delivery;

/// <summary>Delivery's reads: recent events and the DORA figures, one implementation for the API and the pages.</summary>
public static class DeliveryQueries
{
    /// <summary>How far past the period deployments are read: they close failures (rollbacks, restores) that began in it.</summary>
    private static readonly TimeSpan Lookahead = TimeSpan.FromDays(30);

    /// <summary>How far before the period deployments are read, so a commit deployed then is not counted again.</summary>
    private static readonly TimeSpan Lookback = TimeSpan.FromDays(30);

    /// <summary>The DORA figures of one component, one team's components, or every component (<paramref name="componentRef"/> and <paramref name="teamRef"/> null).</summary>
    public static async Task<DoraFigures> FiguresAsync(PortalDbContext db, DeliveryOptions options, string? componentRef, string? teamRef,
        DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var prod = options.ProductionEnvironments.Select(e => e.ToLowerInvariant()).Distinct().ToArray();
        var window = TimeSpan.FromHours(options.RollbackWindowHours);
        IReadOnlyCollection<string>? components = null;
        if (componentRef is not null)
        {
            components = [componentRef];
        }
        else if (teamRef is not null)
        {
            components = await CatalogReads.Entities(db).Where(i => i.Owner == teamRef && i.Kind == CatalogKinds.Component)
                .Select(i => i.Ref).ToListAsync(ct);
        }
        var totals = await DoraQuery.TotalsAsync((NpgsqlConnection)db.Database.GetDbConnection(), prod, components, from, to, window, Lookback,
            window > Lookahead ? window : Lookahead, ct);
        return DoraMath.Figures(totals, from, to);
    }

    /// <summary>
    /// The organisation's figures over [from, to) cut into <paramref name="buckets"/> equal spans, oldest first: the trend lines
    /// of the executive dashboard. Each span is one <see cref="DoraQuery"/>, so the spans' figures are those of the period's.
    /// </summary>
    public static async Task<IReadOnlyList<DoraFigures>> TrendAsync(PortalDbContext db, DeliveryOptions options, DateTimeOffset from,
        DateTimeOffset to, int buckets, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(buckets, 1);
        var span = (to - from) / buckets;
        var trend = new List<DoraFigures>(buckets);
        for (var i = 0; i < buckets; i++)
        {
            var start = from + span * i;
            trend.Add(await FiguresAsync(db, options, null, null, start, i == buckets - 1 ? to : start + span, ct));
        }
        return trend;
    }

    public static async Task<List<DeploymentView>> DeploymentsAsync(PortalDbContext db, string? componentRef, string? environment, int limit,
        CancellationToken ct)
    {
        var query = db.DeliveryDeployments.AsNoTracking();
        if (componentRef is not null)
        {
            query = query.Where(d => d.ComponentRef == componentRef);
        }
        if (!string.IsNullOrWhiteSpace(environment))
        {
            var env = environment.Trim().ToLowerInvariant();
            query = query.Where(d => d.Environment == env);
        }
        var rows = await query.OrderByDescending(d => d.FinishedAt ?? d.StartedAt ?? d.ReceivedAt).Take(limit).ToListAsync(ct);
        return rows.Select(DeploymentView.From).ToList();
    }

    public static async Task<List<BuildView>> BuildsAsync(PortalDbContext db, string? componentRef, int limit, CancellationToken ct)
    {
        var query = db.DeliveryBuilds.AsNoTracking();
        if (componentRef is not null)
        {
            query = query.Where(b => b.ComponentRef == componentRef);
        }
        var rows = await query.OrderByDescending(b => b.StartedAt).Take(limit).ToListAsync(ct);
        return rows.Select(BuildView.From).ToList();
    }
}
