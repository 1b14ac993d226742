using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Web.Data;

namespace Portal.Web.Features.Slo;

/// <summary>The outcome of one export: points rejected (partial success) and why.</summary>
public sealed record IngestOutcome(long Rejected, IReadOnlyList<string> Problems);

/// <summary>
/// Turns a checked export into per-minute aggregates: services matched to catalog components, cumulative streams
/// turned into increases (state persisted in the same transaction), increases added to their minutes. Unknown
/// services and services a token may not send for are counted and reported as rejected points, never dropped silently.
/// </summary>
public sealed class MetricsIngestion(IDbContextFactory<PortalDbContext> dbFactory, IOptions<SloOptions> options, TimeProvider time)
{
    // One lock for all ingestion: stream state is read, advanced and written as one step, across replicas too.
    private const long IngestLockKey = 0x510_0001;

    public async Task<IngestOutcome> IngestAsync(OtlpBatch batch, IReadOnlySet<string>? allowedServices, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var names = batch.PointsByService.Keys.Concat(batch.RejectedByService.Keys).Distinct(StringComparer.Ordinal).ToList();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var components = await ResolveAsync(db, names, cancellationToken);
        foreach (var name in names)
        {
            var accepted = batch.PointsByService.GetValueOrDefault(name);
            if (accepted == 0)
            {
                continue;
            }
            if (allowedServices is { Count: > 0 } && !allowedServices.Contains(name))
            {
                Refuse(batch, components, name, accepted, $"This token may not send data for the service '{name}'.");
            }
            else if (!components.ContainsKey(name))
            {
                Refuse(batch, components, name, accepted,
                    $"service.name '{name}' is not a component in the catalog: register it, or map the name in Portal:Slo:ServiceAliases.");
            }
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Database.ExecuteSqlInterpolatedAsync($"SELECT pg_advisory_xact_lock({IngestLockKey})", cancellationToken);
        var keys = batch.Samples.Select(s => s.StreamKey).Distinct().ToList();
        var streams = await db.Set<MetricStream>().Where(s => keys.Contains(s.Key)).ToDictionaryAsync(s => s.Key, cancellationToken);
        // The minute rows this export touches, read in one query (a backfill can touch a month of minutes).
        var minutes = new Dictionary<(string, DateTimeOffset), ServiceMinute>();
        if (batch.Samples.Count > 0)
        {
            var touched = batch.Samples.Select(s => components[s.ServiceName]!).Distinct().ToList();
            var from = SloMath.MinuteOf(OtlpReader.FromUnixNano(batch.Samples.Min(s => s.TimeUnixNano)));
            var to = OtlpReader.FromUnixNano(batch.Samples.Max(s => s.TimeUnixNano));
            foreach (var existing in await db.Set<ServiceMinute>().Where(m => touched.Contains(m.ComponentRef) && m.Minute >= from && m.Minute <= to)
                .ToListAsync(cancellationToken))
            {
                minutes[(existing.ComponentRef, existing.Minute)] = existing;
            }
        }
        foreach (var sample in batch.Samples.OrderBy(s => s.TimeUnixNano))
        {
            var component = components[sample.ServiceName]!;
            streams.TryGetValue(sample.StreamKey, out var previous);
            var (delta, advance) = StreamDeltas.Next(previous, sample);
            if (advance)
            {
                if (previous is null)
                {
                    previous = new MetricStream { Key = sample.StreamKey, ComponentRef = component, Metric = OtlpReader.HttpServerDuration };
                    db.Add(previous);
                    streams[sample.StreamKey] = previous;
                }
                previous.StartUnixNano = sample.StartUnixNano;
                previous.TimeUnixNano = sample.TimeUnixNano;
                previous.Value = sample.Count;
                previous.Sum = sample.Sum;
                previous.BucketCounts = sample.BucketCounts;
                previous.Bounds = sample.Bounds;
                previous.LastSeenAt = now;
            }
            if (delta is null)
            {
                continue;
            }
            var minute = SloMath.MinuteOf(OtlpReader.FromUnixNano(sample.TimeUnixNano));
            if (!minutes.TryGetValue((component, minute), out var row))
            {
                row = new ServiceMinute { ComponentRef = component, Minute = minute };
                db.Add(row);
                minutes[(component, minute)] = row;
            }
            row.Requests += delta.Count;
            row.Errors += sample.IsServerError ? delta.Count : 0;
            row.DurationSum += delta.Sum;
            var buckets = new Dictionary<string, long>(row.LatencyBuckets);
            foreach (var (bound, count) in delta.Buckets())
            {
                buckets[bound] = buckets.GetValueOrDefault(bound) + count;
            }
            row.LatencyBuckets = buckets;
        }
        await RecordSourcesAsync(db, batch, components, now, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new IngestOutcome(batch.Rejected, batch.Problems);
    }

    private static void Refuse(OtlpBatch batch, Dictionary<string, string?> components, string name, long points, string problem)
    {
        batch.Reject(name, points, problem);
        batch.PointsByService[name] = 0;
        batch.Samples.RemoveAll(s => s.ServiceName == name);
        components.Remove(name);
    }

    /// <summary>service.name to component ref: a configured alias, else a Component with that name (any namespace, default first).</summary>
    private async Task<Dictionary<string, string?>> ResolveAsync(PortalDbContext db, List<string> names, CancellationToken cancellationToken)
    {
        var resolved = new Dictionary<string, string?>(StringComparer.Ordinal);
        var lower = names.Select(n => n.ToLowerInvariant()).ToList();
#pragma warning disable CA1304, CA1311 // translated to SQL lower(), not run in .NET
        var found = await db.CatalogEntities.AsNoTracking().Where(e => e.Kind == "Component" && lower.Contains(e.Name.ToLower()) && e.OrphanedAt == null)
            .Select(e => new { e.Name, e.Namespace, e.EntityRef }).ToListAsync(cancellationToken);
#pragma warning restore CA1304, CA1311
        foreach (var name in names)
        {
            if (options.Value.ServiceAliases.TryGetValue(name, out var alias))
            {
                resolved[name] = alias.ToLowerInvariant();
                continue;
            }
            var match = found.Where(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase))
                .OrderBy(e => e.Namespace == Catalog.EntityRef.DefaultNamespace ? 0 : 1).ThenBy(e => e.EntityRef, StringComparer.Ordinal).FirstOrDefault();
            if (match is not null)
            {
                resolved[name] = match.EntityRef;
            }
        }
        return resolved;
    }

    private static async Task RecordSourcesAsync(PortalDbContext db, OtlpBatch batch, Dictionary<string, string?> components, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var names = batch.PointsByService.Keys.Concat(batch.RejectedByService.Keys).Distinct(StringComparer.Ordinal).ToList();
        var sources = await db.Set<TelemetrySource>().Where(s => names.Contains(s.ServiceName)).ToDictionaryAsync(s => s.ServiceName, cancellationToken);
        foreach (var name in names)
        {
            if (!sources.TryGetValue(name, out var source))
            {
                source = new TelemetrySource { ServiceName = name, FirstSeenAt = now };
                db.Add(source);
            }
            source.ComponentRef = components.GetValueOrDefault(name);
            source.LastSeenAt = now;
            source.AcceptedPoints += batch.PointsByService.GetValueOrDefault(name);
            var rejected = batch.RejectedByService.GetValueOrDefault(name);
            if (rejected > 0)
            {
                source.RejectedPoints += rejected;
                source.LastRejection = batch.Problems.FirstOrDefault(p => p.Contains($"'{name}'", StringComparison.Ordinal)) ?? batch.Problems.FirstOrDefault();
            }
        }
    }
}
