namespace Portal.Web.Features.Slo.Ingestion;

/// <summary>Windows as rows: which minute, hour and day rows add up to a window. Pure.</summary>
public static class SloWindows
{
    /// <summary>
    /// The rows that cover [<paramref name="from"/>, <paramref name="to"/>): minutes up to the first whole hour, hours up to
    /// the first whole day, days, then hours and minutes again at the end. A start older than the minutes kept moves to the
    /// next whole hour (older than the hours kept: the next whole day), unless <paramref name="startKept"/> says its minutes
    /// up to the first whole hour are kept (a calendar month's start, see <see cref="SloDefinition.StartEdgeAt"/>); the
    /// start actually covered is returned.
    /// </summary>
    public static (DateTimeOffset Start, List<CountSegment> Segments) Cover(DateTimeOffset from, DateTimeOffset to, DateTimeOffset now, CountRetention retention,
        bool startKept = false)
    {
        if (from < now - retention.Minutes && !startKept)
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

    /// <summary>Whether an SLO keeps a minute row: within the minute retention, or in its calendar month's first partial hour.</summary>
    public static bool KeepsMinute(DateTimeOffset minute, DateTimeOffset now, CountRetention retention, (DateTimeOffset From, DateTimeOffset To)? edge) =>
        minute >= now - retention.Minutes || (edge is var (from, to) && minute >= from && minute < to);

    private static void Add(List<CountSegment> segments, short span, DateTimeOffset from, DateTimeOffset to)
    {
        if (from < to)
        {
            segments.Add(new CountSegment(span, from, to));
        }
    }
}
