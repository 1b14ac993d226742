namespace Portal.Web.Features.Slo.Ingestion;

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

/// <summary>A run of rows at one resolution: buckets in [From, To).</summary>
public readonly record struct CountSegment(short Span, DateTimeOffset From, DateTimeOffset To);
