using Portal.Web.Infrastructure.Extensions;

namespace Portal.Web.Components;

/// <summary>A shaded run of a chart's steps, <see cref="From"/> to <see cref="To"/> inclusive (step indices).</summary>
public sealed record ChartBand(int From, int To, string Label);

/// <summary>Which of a chart's steps a band covers. Pure.</summary>
public static class ChartBands
{
    /// <summary>
    /// The steps (each starting at <paramref name="stepStarts"/>[i] and lasting <paramref name="step"/>) that each band
    /// overlaps, as one run per band; a band outside the chart gives none.
    /// </summary>
    public static IReadOnlyList<ChartBand> Mark(IReadOnlyList<DateTimeOffset> stepStarts, TimeSpan step, IEnumerable<TimeBand> bands)
    {
        ArgumentNullException.ThrowIfNull(stepStarts);
        ArgumentNullException.ThrowIfNull(bands);
        var marked = new List<ChartBand>();
        if (stepStarts.Count == 0 || step <= TimeSpan.Zero)
        {
            return marked;
        }
        foreach (var band in bands.Where(b => b.To > b.From))
        {
            int from = -1, to = -1;
            for (var i = 0; i < stepStarts.Count; i++)
            {
                if (band.From < stepStarts[i] + step && stepStarts[i] < band.To)
                {
                    from = from < 0 ? i : from;
                    to = i;
                }
            }
            if (from >= 0)
            {
                marked.Add(new ChartBand(from, to, band.Label));
            }
        }
        return marked;
    }

    /// <summary>
    /// Where a band lies on a line chart's time axis of <paramref name="steps"/> points, as percent of the axis from its
    /// first point to its last (the lane under the plot spans exactly that): each step owns half the way to its
    /// neighbours, so a one-step band is one step wide, centred on its point, and runs at the ends stop at the axis.
    /// </summary>
    public static (double Left, double Width) Extent(ChartBand band, int steps)
    {
        ArgumentNullException.ThrowIfNull(band);
        if (steps <= 1)
        {
            return (0, 100);
        }
        var intervals = steps - 1.0;
        var left = Math.Clamp((band.From - 0.5) / intervals, 0, 1);
        var right = Math.Clamp((band.To + 0.5) / intervals, 0, 1);
        return (left * 100, Math.Max(0, right - left) * 100);
    }
}
