using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;

namespace Portal.Web.Features.Delivery;

/// <summary>Delivery's reads: recent events and the DORA figures, one implementation for the API and the pages.</summary>
public static class DeliveryQueries
{
    /// <summary>
    /// The DORA figures of one component, one team's components, or every component (<paramref name="componentRef"/> and
    /// <paramref name="teamRef"/> null). A component's, and a team's or the organisation's with at most
    /// <see cref="DeliveryOptions.ExactFiguresMaxDeployments"/> production deployments, are computed exactly over [from, to);
    /// larger ones are summed from the per-day rollup over the whole UTC days covering the period (the figures' From and To
    /// say which), medians from its histograms.
    /// </summary>
    public static async Task<DoraFigures> FiguresAsync(PortalDbContext db, DeliveryOptions options, string? componentRef, string? teamRef,
        DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
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
        if (componentRef is null)
        {
            var (first, end) = WholeDays(from, to);
            var rolled = await DeliveryRollup.TotalsAsync(connection, components ?? [DeliveryRollup.Organisation], first, end, ct);
            if (rolled.ProductionDeployments > options.ExactFiguresMaxDeployments)
            {
                return DoraMath.Figures(rolled, Start(first), Start(end));
            }
        }
        return await ExactAsync(db, options, components, from, to, ct);
    }

    /// <summary>The figures computed from the events themselves (<see cref="DoraQuery"/>), whatever their number.</summary>
    public static async Task<DoraFigures> ExactAsync(PortalDbContext db, DeliveryOptions options, IReadOnlyCollection<string>? components,
        DateTimeOffset from, DateTimeOffset to, CancellationToken ct) =>
        DoraMath.Figures(await DoraQuery.TotalsAsync(db, options, components, from, to, ct), from, to);

    /// <summary>The figures summed from the per-day rollup over the whole UTC days covering [from, to), whatever their number.</summary>
    public static async Task<DoraFigures> RolledUpAsync(NpgsqlConnection connection, IReadOnlyCollection<string>? components, DateTimeOffset from,
        DateTimeOffset to, CancellationToken ct)
    {
        var (first, end) = WholeDays(from, to);
        return DoraMath.Figures(await DeliveryRollup.TotalsAsync(connection, components ?? [DeliveryRollup.Organisation], first, end, ct),
            Start(first), Start(end));
    }

    /// <summary>
    /// The organisation's figures over [from, to) cut into <paramref name="buckets"/> spans of whole days (as equal as whole
    /// days allow), oldest first: the trend lines of the executive dashboard, each span one <see cref="FiguresAsync"/>.
    /// </summary>
    public static async Task<IReadOnlyList<DoraFigures>> TrendAsync(PortalDbContext db, DeliveryOptions options, DateTimeOffset from,
        DateTimeOffset to, int buckets, CancellationToken ct) => await TrendAsync(db, options, null, from, to, buckets, ct);

    /// <summary>As <see cref="TrendAsync(PortalDbContext, DeliveryOptions, DateTimeOffset, DateTimeOffset, int, CancellationToken)"/>, for a team (null: the organisation).</summary>
    public static async Task<IReadOnlyList<DoraFigures>> TrendAsync(PortalDbContext db, DeliveryOptions options, string? teamRef, DateTimeOffset from,
        DateTimeOffset to, int buckets, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(buckets, 1);
        var (first, end) = WholeDays(from, to);
        var days = end.DayNumber - first.DayNumber;
        var trend = new List<DoraFigures>(buckets);
        for (var i = 0; i < buckets; i++)
        {
            var spanStart = first.AddDays((int)Math.Round((double)days * i / buckets));
            var spanEnd = first.AddDays((int)Math.Round((double)days * (i + 1) / buckets));
            if (spanEnd > spanStart)
            {
                trend.Add(await FiguresAsync(db, options, null, teamRef, Start(spanStart), Start(spanEnd), ct));
            }
        }
        return trend;
    }

    /// <summary>The UTC days covering [from, to): the first, and the day after the last.</summary>
    public static (DateOnly First, DateOnly End) WholeDays(DateTimeOffset from, DateTimeOffset to)
    {
        var first = DateOnly.FromDateTime(from.UtcDateTime);
        var last = DateOnly.FromDateTime(to.UtcDateTime);
        return (first, to.UtcDateTime.TimeOfDay == TimeSpan.Zero ? last : last.AddDays(1));
    }

    private static DateTimeOffset Start(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

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
