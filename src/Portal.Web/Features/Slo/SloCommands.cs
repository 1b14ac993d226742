using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Identity;
using Portal.Web.Features.Slo.Ingestion;

namespace Portal.Web.Features.Slo;

/// <summary>What saving an SLO came to: the saved SLO, or field errors, or "not yours", or "gone".</summary>
public sealed record SloSaveOutcome(SloDefinition? Slo, Dictionary<string, string[]> Errors, bool Forbidden, bool Missing);

/// <summary>Creating, changing and deleting SLOs: one implementation for the API and the editor pages.</summary>
public static class SloCommands
{
    /// <summary>
    /// The checks before a save, field by field: the rules of <see cref="SloValidation"/>, the component in the catalog,
    /// the person allowed to change it (its team or an admin), and the name unique for the component.
    /// </summary>
    public static async Task<(Dictionary<string, string[]> Errors, string? ComponentRef, bool Forbidden)> CheckAsync(PortalDbContext db, ClaimsPrincipal user,
        Guid? id, SloRequest request, CancellationToken ct)
    {
        var errors = SloValidation.Validate(request);
        string? componentRef = null;
        if (!string.IsNullOrWhiteSpace(request.Component))
        {
            try
            {
                componentRef = EntityRef.Parse(request.Component, defaultKind: "component").ToString();
            }
            catch (FormatException ex)
            {
                errors["component"] = [ex.Message];
            }
            if (componentRef is not null && !await CatalogReads.ExistsAsync(db, componentRef, CatalogKinds.Component, ct))
            {
                errors["component"] = [$"There is no component {componentRef} in the catalog."];
                componentRef = null;
            }
        }
        if (componentRef is null)
        {
            return (errors, null, false);
        }
        if (!await SloQueries.MayChangeAsync(db, user, componentRef, ct))
        {
            return (errors, componentRef, true);
        }
        if (!errors.ContainsKey("name") && await db.Set<SloDefinition>().AnyAsync(s => s.ComponentRef == componentRef && s.Name == request.Name && s.Id != (id ?? Guid.Empty), ct))
        {
            errors["name"] = [$"{componentRef} already has an SLO named {request.Name}."];
        }
        return (errors, componentRef, false);
    }

    /// <summary>Creates the SLO (<paramref name="id"/> null) or changes it, with its audit entry.</summary>
    public static async Task<SloSaveOutcome> SaveAsync(PortalDbContext db, ClaimsPrincipal user, AuditActor actor, Guid? id, SloRequest request, DateTimeOffset now,
        CancellationToken ct)
    {
        SloDefinition? slo = null;
        if (id is { } existingId)
        {
            slo = await db.Set<SloDefinition>().FirstOrDefaultAsync(s => s.Id == existingId, ct);
            if (slo is null)
            {
                return new SloSaveOutcome(null, [], false, true);
            }
            if (!await SloQueries.MayChangeAsync(db, user, slo.ComponentRef, ct))
            {
                return new SloSaveOutcome(null, [], true, false);
            }
        }
        var (errors, componentRef, forbidden) = await CheckAsync(db, user, id, request, ct);
        if (errors.Count > 0 || forbidden)
        {
            return new SloSaveOutcome(null, errors, forbidden && errors.Count == 0, false);
        }
        var created = slo is null;
        slo ??= new SloDefinition { Name = "", ComponentRef = "", Indicator = "", CreatedBy = actor.Name, CreatedAt = now };
        try
        {
            await PersistAsync(db, slo, created, request, componentRef!, actor, now, ct);
        }
        catch (DbUpdateException ex) when (ex.InnerException is Npgsql.PostgresException { SqlState: "23505" })
        {
            // Someone saved the same name a moment earlier.
            return new SloSaveOutcome(null, new() { ["name"] = [$"{componentRef} already has an SLO named {request.Name}."] }, false, false);
        }
        return new SloSaveOutcome(slo, [], false, false);
    }

    /// <summary>
    /// Saves a checked request onto the SLO (new or tracked), with its audit entry: nothing at all when nothing changed.
    /// A new SLO, or one whose events are counted differently now, gets its counts rebuilt from the component's
    /// history in the same transaction, while exports for the component wait (they add to the counts too).
    /// </summary>
    /// <returns>Whether anything changed.</returns>
    public static async Task<bool> PersistAsync(PortalDbContext db, SloDefinition slo, bool created, SloRequest request, string componentRef, AuditActor actor,
        DateTimeOffset now, CancellationToken ct)
    {
        var before = created ? null : Snapshot(slo);
        var countedBefore = created ? null : CountingOf(slo);
        var previousComponent = created ? null : slo.ComponentRef;
        var previousRatio = slo.Ratio;
        SloValidation.Apply(request, slo, componentRef);
        if (before is not null && before == Snapshot(slo))
        {
            return false;
        }
        slo.UpdatedAt = now;
        if (created)
        {
            db.Add(slo);
        }
        AuditLog.Record(db, actor, created ? "slo.create" : "slo.update", slo.Id.ToString(), after: request);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await LockComponentsAsync(db, [componentRef, previousComponent], ct);
        await db.SaveChangesAsync(ct);
        if (countedBefore != CountingOf(slo))
        {
            await ForgetRatioStreamsAsync(db, slo.Id, [(previousComponent, previousRatio), (componentRef, slo.Ratio)], ct);
            var (minutes, _) = slo.Indicator == SliKinds.Ratio ? ([], false)
                : SliMinutes.Events(slo, await db.Set<ServiceMinute>().AsNoTracking()
                    .Where(m => m.ComponentRef == componentRef && m.Minute >= now.AddDays(-CountRetention.Default.Hours.TotalDays)).ToListAsync(ct));
            await SloCountStore.ReplaceAsync((Npgsql.NpgsqlConnection)db.Database.GetDbConnection(), slo.Id, minutes, SliMinutes.SliceTarget(slo), now,
                CountRetention.Default, slo.StartEdgeAt(now), ct);
        }
        await transaction.CommitAsync(ct);
        MetricsIngestion.SlosChanged();
        return true;
    }

    private static string Snapshot(SloDefinition slo) => System.Text.Json.JsonSerializer.Serialize(new
    {
        slo.Name, slo.DisplayName, slo.ComponentRef, slo.Indicator, slo.ThresholdSeconds, slo.Ratio, slo.Target, slo.WindowKind, slo.WindowDays, slo.TimeZone,
        slo.BudgetingMethod, slo.TimesliceTarget, slo.MinEvents, slo.AlertRules, slo.NoDataMinutes,
    });

    /// <summary>
    /// What decides how events are counted: a change here means the counts are rebuilt. A ratio SLO has no history to
    /// rebuild from, so only a change of its metrics starts it afresh; a new slice target applies from then on.
    /// </summary>
    private static string CountingOf(SloDefinition slo) => slo.Indicator == SliKinds.Ratio
        ? System.Text.Json.JsonSerializer.Serialize(new { slo.ComponentRef, slo.Indicator, slo.Ratio })
        // A calendar zone too: the month's first partial UTC hour is kept in minutes only for the zone it was counted for.
        : System.Text.Json.JsonSerializer.Serialize(new
        {
            slo.ComponentRef, slo.Indicator, slo.ThresholdSeconds, SliceTarget = SliMinutes.SliceTarget(slo),
            Calendar = slo.WindowKind == "calendar" ? slo.TimeZone : null,
        });

    /// <summary>
    /// The components' exclusive locks, in order: exports for them (which take the shared lock) wait, so no export
    /// counts for an SLO while its counts are rebuilt, moved or deleted.
    /// </summary>
    private static async Task LockComponentsAsync(PortalDbContext db, IEnumerable<string?> componentRefs, CancellationToken ct)
    {
        foreach (var componentRef in componentRefs.OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({componentRef}, 1360))", ct);
        }
    }

    /// <summary>
    /// Drops the stream state of metrics a ratio SLO used or now uses, unless another ratio SLO of the component still
    /// counts them: state kept while nobody watched a metric would turn days of events into one increase when an
    /// SLO names it again. The next point of such a stream is a first point (see StreamDeltas).
    /// </summary>
    private static async Task ForgetRatioStreamsAsync(PortalDbContext db, Guid sloId, IEnumerable<(string? Component, RatioIndicator? Ratio)> uses,
        CancellationToken ct)
    {
        foreach (var (component, ratio) in uses)
        {
            if (component is null || ratio is null)
            {
                continue;
            }
            var others = (await db.Set<SloDefinition>().AsNoTracking().Where(s => s.ComponentRef == component && s.Id != sloId && s.Indicator == SliKinds.Ratio)
                .Select(s => s.Ratio).ToListAsync(ct)).SelectMany(r => new[] { r!.Events.Metric, r.Total.Metric }).ToHashSet(StringComparer.Ordinal);
            var metrics = new[] { ratio.Events.Metric, ratio.Total.Metric }
                .Where(m => m != OtlpReader.HttpServerDuration && !others.Contains(m)).Distinct(StringComparer.Ordinal).ToList();
            if (metrics.Count == 0)
            {
                continue;
            }
            await StreamJournal.PrepareDeleteAsync((Npgsql.NpgsqlConnection)db.Database.GetDbConnection(), DateTimeOffset.UtcNow, ct);
            await db.Set<MetricStream>().Where(s => s.ComponentRef == component && metrics.Contains(s.Metric)).ExecuteDeleteAsync(ct);
        }
    }

    /// <summary>Deletes an SLO: null when it is gone already, false when this person may not.</summary>
    public static async Task<bool?> DeleteAsync(PortalDbContext db, ClaimsPrincipal user, AuditActor actor, Guid id, CancellationToken ct)
    {
        var slo = await db.Set<SloDefinition>().FirstOrDefaultAsync(s => s.Id == id, ct);
        if (slo is null)
        {
            return null;
        }
        if (!await SloQueries.MayChangeAsync(db, user, slo.ComponentRef, ct))
        {
            return false;
        }
        // Its counts and alert history go with it (foreign keys with cascade).
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await LockComponentsAsync(db, [slo.ComponentRef], ct);
        await ForgetRatioStreamsAsync(db, slo.Id, [(slo.ComponentRef, slo.Ratio)], ct);
        db.Remove(slo);
        AuditLog.Record(db, actor, "slo.delete", slo.Id.ToString(), before: new { slo.Name, slo.ComponentRef });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        MetricsIngestion.SlosChanged();
        return true;
    }

    /// <summary>
    /// The one-click defaults for a component (see <see cref="SloImport.Defaults"/>); an SLO of the same name is left as
    /// it is. Returns the SLOs created.
    /// </summary>
    public static async Task<List<SloSaveOutcome>> AddDefaultsAsync(PortalDbContext db, ClaimsPrincipal user, AuditActor actor, string componentRef,
        DateTimeOffset now, CancellationToken ct)
    {
        var existing = await db.Set<SloDefinition>().Where(s => s.ComponentRef == componentRef).Select(s => s.Name).ToListAsync(ct);
        var outcomes = new List<SloSaveOutcome>();
        foreach (var request in SloImport.Defaults(componentRef).Where(r => !existing.Contains(r.Name!)))
        {
            outcomes.Add(await SaveAsync(db, user, actor, null, request, now, ct));
        }
        return outcomes;
    }
}
