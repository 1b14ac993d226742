namespace Portal.Web.Components;

/// <summary>When a line chart must draw its points: a line needs two neighbouring readings to be seen at all.</summary>
public static class ChartMarkers
{
    /// <summary>Below this many readings a line reads as sparse, so its points are drawn too.</summary>
    public const int FewReadings = 24;

    /// <summary>True when some reading stands alone between gaps (no line would show it), or there are only a few readings.</summary>
    public static bool Needed(IReadOnlyList<double?> values) =>
        values.Where((v, i) => v is not null && (i == 0 || values[i - 1] is null) && (i == values.Count - 1 || values[i + 1] is null)).Any()
        || values.Count(v => v is not null) is > 0 and < FewReadings;
}
