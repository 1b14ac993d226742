using System.Globalization;

namespace Portal.Web.Features.Cost;

/// <summary>
/// The dashboard's period, as it lives in the URL: a preset (<c>range=this-month|last-month|last-30|last-90</c>), a custom
/// range (<c>from=2024-09-01&amp;to=2024-09-30</c>, both days included), or by default the 30 days up to the newest data
/// (imports lag, and imported history must not fall outside the view). <see cref="To"/> is exclusive.
/// </summary>
public sealed record CostRange(string Preset, DateTime From, DateTime To)
{
    public const string Data = "data";
    public const string Custom = "custom";

    /// <summary>The presets in the order the picker lists them, with their labels.</summary>
    public static readonly IReadOnlyList<(string Value, string Label)> Presets =
    [
        (Data, "Last 30 days of data"), ("this-month", "This month"), ("last-month", "Last month"),
        ("last-30", "Last 30 days"), ("last-90", "Last 90 days"), (Custom, "Custom range"),
    ];

    /// <summary>The longest period a report covers (the API's limit too).</summary>
    public const int MaxDays = 800;

    /// <summary>The last day included (for the picker and the URL).</summary>
    public DateTime LastDay => To.AddDays(-1);

    public int Days => (int)(To - From).TotalDays;

    /// <summary>The URL's values for this range: a preset alone, or the custom days.</summary>
    public (string? Range, string? From, string? To) ToQuery() => Preset switch
    {
        Data => (null, null, null),
        Custom => (null, Day(From), Day(LastDay)),
        _ => (Preset, null, null),
    };

    /// <summary>What the header says about the period, e.g. "September 2024" or "2024-08-07 to 2024-09-05".</summary>
    public string Describe()
    {
        if (From.Day == 1 && To == From.AddMonths(1))
        {
            return From.ToString("MMMM yyyy", CultureInfo.InvariantCulture);
        }
        return $"{Day(From)} to {Day(LastDay)}";
    }

    /// <summary>The range of the URL's values; <paramref name="error"/> says what was wrong (and the default applies).</summary>
    public static CostRange Parse(string? range, string? from, string? to, DateTime today, DateTime? newestData, out string? error)
    {
        error = null;
        today = today.Date;
        if (from is not null || to is not null)
        {
            if (TryDay(from, out var start) && TryDay(to, out var last) && last >= start && (last - start).TotalDays < MaxDays)
            {
                return new CostRange(Custom, start, last.AddDays(1));
            }
            error = $"The period {from} to {to} is not a range of days (yyyy-MM-dd, the end not before the start, at most {MaxDays} days); showing the default.";
        }
        var thisMonth = new DateTime(today.Year, today.Month, 1, 0, 0, 0, DateTimeKind.Utc);
        switch (range)
        {
            case "this-month": return new CostRange(range, thisMonth, thisMonth.AddMonths(1));
            case "last-month": return new CostRange(range, thisMonth.AddMonths(-1), thisMonth);
            case "last-30": return new CostRange(range, today.AddDays(-29), today.AddDays(1));
            case "last-90": return new CostRange(range, today.AddDays(-89), today.AddDays(1));
            case null or "" or Data: break;
            default:
                error ??= $"'{range}' is not a period; showing the default.";
                break;
        }
        var end = (newestData ?? today.AddDays(1)).Date;
        // A charge ending exactly at midnight belongs to the day before.
        end = newestData is { } n && n.TimeOfDay == TimeSpan.Zero ? end : end.AddDays(1);
        return new CostRange(Data, end.AddDays(-30), end);
    }

    /// <summary>The whole month a day falls in, as a custom range (the picker's month list).</summary>
    public static CostRange Month(DateTime month)
    {
        var start = new DateTime(month.Year, month.Month, 1, 0, 0, 0, DateTimeKind.Utc);
        return new CostRange(Custom, start, start.AddMonths(1));
    }

    private static string Day(DateTime day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static bool TryDay(string? text, out DateTime day)
    {
        var ok = DateTime.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out day);
        day = DateTime.SpecifyKind(day, DateTimeKind.Utc);
        return ok;
    }
}
