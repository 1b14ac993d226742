using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Web.Data;

namespace Portal.Web.Features.Slo.Ingestion;

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
