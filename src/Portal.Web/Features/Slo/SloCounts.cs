using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Web.Features.Slo;

/// <summary>The resolutions SLO counts are kept at: a minute, a UTC hour, a UTC day.</summary>
public static class CountSpans
{
    public const short Minute = 0;
    public const short Hour = 1;
    public const short Day = 2;

    public static TimeSpan Length(short span) => span switch { Minute => TimeSpan.FromMinutes(1), Hour => TimeSpan.FromHours(1), _ => TimeSpan.FromDays(1) };

    public static DateTimeOffset Floor(short span, DateTimeOffset at) => span switch
    {
        Minute => new DateTimeOffset(at.Year, at.Month, at.Day, at.Hour, at.Minute, 0, TimeSpan.Zero),
        Hour => new DateTimeOffset(at.Year, at.Month, at.Day, at.Hour, 0, 0, TimeSpan.Zero),
        _ => new DateTimeOffset(at.Year, at.Month, at.Day, 0, 0, 0, TimeSpan.Zero),
    };

    public static DateTimeOffset Ceiling(short span, DateTimeOffset at)
    {
        var floor = Floor(span, at);
        return floor == at ? at : floor + Length(span);
    }
}

/// <summary>
/// Good and total events of one SLO in one minute, hour or day, written as exports arrive (each increase goes to its
/// minute, its hour and its day in one transaction), so any window is a handful of rows: the minutes at its edges,
/// whole hours, whole days. <see cref="GoodSlices"/>/<see cref="Slices"/> count one-minute timeslices (a minute with
/// events is a slice; it is good when its ratio meets the SLO's timeslice target).
/// </summary>
public sealed class SloCount
{
    public Guid SloId { get; set; }
    public short Span { get; set; }
    public DateTimeOffset Bucket { get; set; }
    public long Good { get; set; }
    public long Total { get; set; }
    public long GoodSlices { get; set; }
    public long Slices { get; set; }
}

internal sealed class SloCountConfiguration : IEntityTypeConfiguration<SloCount>
{
    public void Configure(EntityTypeBuilder<SloCount> builder)
    {
        builder.ToTable("slo_counts");
        builder.HasKey(c => new { c.SloId, c.Span, c.Bucket });
        // The alert job sums every SLO's window segments at once: by resolution and time across all SLOs, from the
        // index alone (the counts are included), so a cycle reads only the rows its windows need.
        builder.HasIndex(c => new { c.Span, c.Bucket }).IncludeProperties(c => new { c.SloId, c.Good, c.Total, c.GoodSlices, c.Slices });
        builder.HasOne<SloDefinition>().WithMany().HasForeignKey(c => c.SloId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>A run of rows at one resolution: buckets in [From, To).</summary>
public readonly record struct CountSegment(short Span, DateTimeOffset From, DateTimeOffset To);

/// <summary>How far back each resolution is kept; a window reaching further starts at the next whole hour (or day).</summary>
public sealed record CountRetention(TimeSpan Minutes, TimeSpan Hours)
{
    /// <summary>Minutes cover the longest burn window (3 d) with a margin; hours the longest period (a 31-day month).</summary>
    public static readonly CountRetention Default = new(TimeSpan.FromDays(4), TimeSpan.FromDays(35));
}

/// <summary>Windows as rows: which minute, hour and day rows add up to a window. Pure.</summary>
public static class SloWindows
{
    /// <summary>
    /// The rows that cover [<paramref name="from"/>, <paramref name="to"/>): minutes up to the first whole hour, hours up to
    /// the first whole day, days, then hours and minutes again at the end. A start older than the minutes kept moves to the
    /// next whole hour (older than the hours kept: the next whole day); the start actually covered is returned.
    /// </summary>
    public static (DateTimeOffset Start, List<CountSegment> Segments) Cover(DateTimeOffset from, DateTimeOffset to, DateTimeOffset now, CountRetention retention)
    {
        if (from < now - retention.Minutes)
        {
            from = CountSpans.Ceiling(CountSpans.Hour, from);
        }
        if (from < now - retention.Hours)
        {
            from = CountSpans.Ceiling(CountSpans.Day, from);
        }
        var segments = new List<CountSegment>();
        if (from >= to)
        {
            return (from, segments);
        }
        var firstHour = CountSpans.Ceiling(CountSpans.Hour, from);
        var lastHour = CountSpans.Floor(CountSpans.Hour, to);
        if (firstHour >= lastHour)
        {
            segments.Add(new CountSegment(CountSpans.Minute, from, to));
            return (from, segments);
        }
        Add(segments, CountSpans.Minute, from, firstHour);
        var firstDay = CountSpans.Ceiling(CountSpans.Day, firstHour);
        var lastDay = CountSpans.Floor(CountSpans.Day, lastHour);
        if (firstDay >= lastDay)
        {
            Add(segments, CountSpans.Hour, firstHour, lastHour);
        }
        else
        {
            Add(segments, CountSpans.Hour, firstHour, firstDay);
            Add(segments, CountSpans.Day, firstDay, lastDay);
            Add(segments, CountSpans.Hour, lastDay, lastHour);
        }
        Add(segments, CountSpans.Minute, lastHour, to);
        return (from, segments);
    }

    private static void Add(List<CountSegment> segments, short span, DateTimeOffset from, DateTimeOffset to)
    {
        if (from < to)
        {
            segments.Add(new CountSegment(span, from, to));
        }
    }
}
