using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Web.Data;

namespace Portal.Web.Features.Slo;

/// <summary>An SLO on a catalog component's HTTP traffic.</summary>
public sealed class SloDefinition
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    /// <summary>A DNS label, unique per component (OpenSLO metadata.name).</summary>
    public required string Name { get; set; }
    public string? DisplayName { get; set; }
    public required string ComponentRef { get; set; }
    public required string Indicator { get; set; }
    public decimal? ThresholdSeconds { get; set; }

    /// <summary>The metrics of a <see cref="SliKinds.Ratio"/> SLI (null for the other kinds).</summary>
    public RatioIndicator? Ratio { get; set; }

    /// <summary>The objective as a fraction, e.g. 0.999.</summary>
    public decimal Target { get; set; }

    /// <summary>"rolling" (WindowDays) or "calendar" (the calendar month in <see cref="TimeZone"/>).</summary>
    public string WindowKind { get; set; } = "rolling";
    public int WindowDays { get; set; } = 28;
    public string TimeZone { get; set; } = "UTC";

    /// <summary>"Occurrences" or "Timeslices" (one-minute slices, each good when its ratio meets <see cref="TimesliceTarget"/>).</summary>
    public string BudgetingMethod { get; set; } = "Occurrences";
    public decimal? TimesliceTarget { get; set; }

    /// <summary>This SLO's multi-window burn-rate rules; null: the SRE Workbook's default policy (<see cref="SloMath.DefaultRules"/>).</summary>
    public List<BurnRateRule>? AlertRules { get; set; }

    /// <summary>The rules alerts are evaluated by.</summary>
    public IReadOnlyList<BurnRateRule> Rules => AlertRules is { Count: > 0 } rules ? rules : SloMath.DefaultRules;

    /// <summary>Burn-rate alerts stay quiet while the long window has fewer events than this (low traffic).</summary>
    public long MinEvents { get; set; }

    /// <summary>
    /// The no-data condition: a ticket alert when the last this many minutes had no events (a service that stopped
    /// sending). Null: off, the default (a low-traffic service is often quiet for a while).
    /// </summary>
    public int? NoDataMinutes { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>The window the SLO is judged over, ending at <paramref name="at"/>: its start and its length (the period).</summary>
    public (DateTimeOffset Start, TimeSpan Period) WindowAt(DateTimeOffset at)
    {
        var end = SloMath.MinuteOf(at);
        if (WindowKind != "calendar")
        {
            var period = TimeSpan.FromDays(WindowDays);
            return (end - period + TimeSpan.FromMinutes(1), period);
        }
        var zone = TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
        var local = TimeZoneInfo.ConvertTime(end, zone);
        var monthStart = new DateTime(local.Year, local.Month, 1, 0, 0, 0, DateTimeKind.Unspecified);
        var start = new DateTimeOffset(monthStart, zone.GetUtcOffset(monthStart)).ToUniversalTime();
        var nextMonth = monthStart.AddMonths(1);
        var next = new DateTimeOffset(nextMonth, zone.GetUtcOffset(nextMonth)).ToUniversalTime();
        return (start, next - start);
    }

    /// <summary>
    /// The minutes of a calendar window before its first whole UTC hour (a month in a zone half an hour or 45 minutes
    /// off UTC starts at 18:30Z or 18:15Z): hour rows cannot split there, so these minute rows are kept for the whole
    /// month, past the minute retention. Null for rolling windows and months that start on a UTC hour.
    /// </summary>
    public (DateTimeOffset From, DateTimeOffset To)? StartEdgeAt(DateTimeOffset at)
    {
        if (WindowKind != "calendar")
        {
            return null;
        }
        var (start, _) = WindowAt(at);
        var hour = Ingestion.CountSpans.Ceiling(Ingestion.CountSpans.Hour, start);
        return hour == start ? null : (start, hour);
    }
}

internal sealed class SloDefinitionConfiguration : IEntityTypeConfiguration<SloDefinition>
{
    public void Configure(EntityTypeBuilder<SloDefinition> builder)
    {
        builder.ToTable("slo_definitions");
        builder.HasKey(s => s.Id);
        builder.HasIndex(s => new { s.ComponentRef, s.Name }).IsUnique();
        builder.Property(s => s.Name).HasMaxLength(63);
        builder.Property(s => s.ComponentRef).HasMaxLength(400);
        builder.Property(s => s.Target).HasPrecision(12, 10);
        builder.Property(s => s.TimesliceTarget).HasPrecision(12, 10);
        builder.Property(s => s.ThresholdSeconds).HasPrecision(18, 6);
        builder.Property(s => s.Ratio).HasOptionalJsonConversion();
        builder.Property(s => s.AlertRules).HasOptionalJsonConversion();
        builder.Ignore(s => s.Rules);
    }
}
