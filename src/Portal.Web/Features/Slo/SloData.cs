using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Web.Data;

namespace Portal.Web.Features.Slo;

/// <summary>The SLO feature's tables (<c>db.Set&lt;T&gt;()</c> works as well). The rule: see <see cref="PortalDbContext"/>.</summary>
public static class SloData
{
    extension(PortalDbContext db)
    {
        public DbSet<SloDefinition> SloDefinitions => db.Set<SloDefinition>();
        public DbSet<SloAlert> SloAlerts => db.Set<SloAlert>();
        public DbSet<SloCount> SloCounts => db.Set<SloCount>();
        public DbSet<StreamJournalEntry> StreamJournal => db.Set<StreamJournalEntry>();
        public DbSet<MetricStream> MetricStreams => db.Set<MetricStream>();
        public DbSet<ServiceMinute> ServiceMinutes => db.Set<ServiceMinute>();
        public DbSet<TelemetrySource> TelemetrySources => db.Set<TelemetrySource>();
    }
}

/// <summary>
/// The last point of one cumulative stream (resource + scope + metric + unit + temporality + point attributes),
/// kept with the data so cumulative-to-delta survives a restart. Delta streams need no state.
/// </summary>
public sealed class MetricStream
{
    /// <summary>SHA-256 of the stream's identity, hex.</summary>
    public required string Key { get; set; }
    public required string ComponentRef { get; set; }
    public required string Metric { get; set; }
    public long StartUnixNano { get; set; }
    public long TimeUnixNano { get; set; }

    /// <summary>A sum's value, or a histogram's count.</summary>
    public double Value { get; set; }
    public double Sum { get; set; }
    public long[] BucketCounts { get; set; } = [];
    public double[] Bounds { get; set; } = [];
    public DateTimeOffset LastSeenAt { get; set; }

    /// <summary>
    /// Takes on a newer state of the same stream, in place: a state kept in memory for as long as its stream lives
    /// stays one object (an object replaced on every export would churn through the collector's oldest generation).
    /// </summary>
    public void MoveTo(MetricStream newer)
    {
        StartUnixNano = newer.StartUnixNano;
        TimeUnixNano = newer.TimeUnixNano;
        Value = newer.Value;
        Sum = newer.Sum;
        Bounds = newer.Bounds;
        if (BucketCounts.Length == newer.BucketCounts.Length)
        {
            newer.BucketCounts.CopyTo(BucketCounts, 0);
        }
        else
        {
            BucketCounts = [.. newer.BucketCounts];
        }
        LastSeenAt = newer.LastSeenAt;
    }
}

/// <summary>
/// One minute of one component's HTTP server traffic (from <c>http.server.request.duration</c>): the RED series
/// the SLO pages chart. Raw points are never stored; each export adds its increase to the minute it belongs to.
/// </summary>
public sealed class ServiceMinute
{
    public required string ComponentRef { get; set; }
    public DateTimeOffset Minute { get; set; }
    public long Requests { get; set; }

    /// <summary>Server errors: status code >= 500, or error.type without a status code.</summary>
    public long Errors { get; set; }
    public double DurationSum { get; set; }

    /// <summary>Requests per bucket upper bound (seconds, invariant "R" format; "+Inf" for the last), non-cumulative.</summary>
    public Dictionary<string, long> LatencyBuckets { get; set; } = [];
}

/// <summary>A <c>service.name</c> that has sent metrics: matched to a component, or reported as unknown.</summary>
public sealed class TelemetrySource
{
    public required string ServiceName { get; set; }

    /// <summary>The catalog component it maps to; null when no component (or alias) matches.</summary>
    public string? ComponentRef { get; set; }
    public DateTimeOffset FirstSeenAt { get; set; }
    public DateTimeOffset LastSeenAt { get; set; }
    public long AcceptedPoints { get; set; }
    public long RejectedPoints { get; set; }
    public string? LastRejection { get; set; }
}

internal sealed class SloDataConfiguration : IEntityTypeConfiguration<MetricStream>, IEntityTypeConfiguration<ServiceMinute>, IEntityTypeConfiguration<TelemetrySource>
{
    public void Configure(EntityTypeBuilder<MetricStream> builder)
    {
        builder.ToTable("slo_metric_streams");
        builder.HasKey(s => s.Key);
        builder.Property(s => s.Key).HasMaxLength(64);
        // Packed little-endian, so an export writes each stream's buckets as plain bytes (no array parsing per row).
        builder.Property(s => s.BucketCounts).HasConversion(v => PackedArrays.Pack(v), v => PackedArrays.UnpackLongs(v), PackedArrays.LongsComparer);
        builder.Property(s => s.Bounds).HasConversion(v => PackedArrays.Pack(v), v => PackedArrays.UnpackDoubles(v), PackedArrays.DoublesComparer);
        // Every export rewrites its streams' rows: no index on what changes, and room in each page, so updates stay HOT.
        builder.HasStorageParameter("fillfactor", 70);
    }

    public void Configure(EntityTypeBuilder<ServiceMinute> builder)
    {
        builder.ToTable("slo_service_minutes");
        builder.HasKey(m => new { m.ComponentRef, m.Minute });
        builder.HasIndex(m => m.Minute); // the retention sweep deletes by age across components
        builder.Property(m => m.LatencyBuckets).HasJsonConversion();
    }

    public void Configure(EntityTypeBuilder<TelemetrySource> builder)
    {
        builder.ToTable("slo_telemetry_sources");
        builder.HasKey(s => s.ServiceName);
        builder.HasIndex(s => s.ComponentRef);
    }
}

/// <summary>Arrays of numbers as raw bytes (bytea), for the per-stream state written by every export.</summary>
public static class PackedArrays
{
    public static readonly Microsoft.EntityFrameworkCore.ChangeTracking.ValueComparer<long[]> LongsComparer =
        new((a, b) => Enumerable.SequenceEqual(a!, b!), v => v.Length, v => v.ToArray());

    public static readonly Microsoft.EntityFrameworkCore.ChangeTracking.ValueComparer<double[]> DoublesComparer =
        new((a, b) => Enumerable.SequenceEqual(a!, b!), v => v.Length, v => v.ToArray());

    public static byte[] Pack(long[] values) => System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    public static byte[] Pack(double[] values) => System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    public static long[] UnpackLongs(byte[] bytes) => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(bytes).ToArray();

    public static double[] UnpackDoubles(byte[] bytes) => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, double>(bytes).ToArray();
}
