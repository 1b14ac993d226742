using System.Globalization;
using MudBlazor;

namespace Portal.Web.Features.Delivery;

/// <summary>How the delivery pages write the DORA figures, one way on the component tab and the executive dashboard.</summary>
public static class DeliveryFormat
{
    /// <summary>A duration in hours as minutes, hours or days, whichever reads best; "–" without data.</summary>
    public static string Hours(double? hours) => hours switch
    {
        null => "–",
        < 1 => $"{(hours.Value * 60).ToString("0", CultureInfo.InvariantCulture)} min",
        < 48 => $"{hours.Value.ToString("0.#", CultureInfo.InvariantCulture)} h",
        _ => $"{(hours.Value / 24).ToString("0.#", CultureInfo.InvariantCulture)} days",
    };

    /// <summary>"1 restore", "0 restores", "1,200 restores": a count with its noun in the number it takes.</summary>
    public static string Count(int count, string one, string many) =>
        $"{count.ToString("N0", CultureInfo.InvariantCulture)} {(count == 1 ? one : many)}";

    public static string Frequency(DoraFigures figures) =>
        figures.Deployments == 0 ? "none" : $"{figures.DeploymentsPerDay.ToString("0.##", CultureInfo.InvariantCulture)} a day";

    public static string Rate(double? rate) => rate is { } r ? r.ToString("0.#%", CultureInfo.InvariantCulture) : "–";

    public static string Minutes(double? minutes) => minutes is { } m ? $"{m.ToString("0.#", CultureInfo.InvariantCulture)} min" : "–";

    public static Color BandColor(string band) => band switch
    {
        DoraBands.Elite => Color.Success,
        DoraBands.High => Color.Info,
        DoraBands.Medium => Color.Warning,
        _ => Color.Error,
    };
}
