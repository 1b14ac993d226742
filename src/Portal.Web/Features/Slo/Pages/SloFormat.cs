using System.Globalization;
using MudBlazor;
using Portal.Web.Features.Catalog;

namespace Portal.Web.Features.Slo.Pages;

/// <summary>How the SLO pages write their numbers: percentages people can compare at a glance, burn rates as multiples.</summary>
public static class SloFormat
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static readonly IReadOnlyList<string> Statuses = ["ok", "warning", "breached", "no-data"];

    /// <summary>An objective as people write it: 99.9 %, 99.95 %, 95 %.</summary>
    public static string Objective(decimal target) => (target * 100).ToString("0.####", Invariant) + " %";

    /// <summary>An SLI with two decimals, never rounded up to 100 % while anything failed (99.9996 % stays visibly below 100).</summary>
    public static string Sli(decimal? sli)
    {
        if (sli is not { } value)
        {
            return "no data";
        }
        var percent = value * 100;
        var text = percent.ToString("0.00", Invariant);
        if (value < 1 && text == "100.00")
        {
            text = percent.ToString("0.0000", Invariant);
            if (text == "100.0000")
            {
                text = "99.9999";
            }
        }
        return text + " %";
    }

    /// <summary>
    /// A window's burn against a rule's threshold. A rule fires only on a burn strictly above it, so a burn equal to the
    /// threshold is "not above" (it is not below either).
    /// </summary>
    public static string AgainstThreshold(decimal? burn, decimal threshold) => burn switch
    {
        null => "no data",
        var b when b > threshold => "above",
        var b when b == threshold => "not above",
        _ => "below",
    };

    /// <summary>
    /// Why an SLO has no time to exhaustion, or what it is based on: no traffic is said as such (not as "no bad events"),
    /// in the whole window or in the last hour the estimate is based on.
    /// </summary>
    public static string ExhaustionDetail(double? hoursToExhaustion, decimal? budgetRemaining, decimal? hourlyBurn) => hoursToExhaustion switch
    {
        null when budgetRemaining is null => "no traffic in the window",
        null when hourlyBurn is null => "no traffic in the last hour",
        null => "no bad events in the last hour",
        <= 0 => "the budget is spent: further errors breach the objective",
        _ => $"at the last hour's burn rate of {Burn(hourlyBurn)}",
    };

    /// <summary>Remaining error budget as a percentage of the budget; negative once it is overspent.</summary>
    public static string Budget(decimal? remaining) => remaining is { } r ? (r * 100).ToString("0.0", Invariant) + " %" : "—";

    /// <summary>A burn rate as a multiple of the sustainable rate: 0.42×, 3.36×, 15.8×, 240×.</summary>
    public static string Burn(decimal? burn) => burn switch
    {
        null => "—",
        >= 100 => burn.Value.ToString("0", Invariant) + "×",
        >= 10 => burn.Value.ToString("0.0", Invariant) + "×",
        _ => burn.Value.ToString("0.00", Invariant) + "×",
    };

    /// <summary>A rule threshold as the rules write it (14.4, 6, 3.36).</summary>
    public static string Factor(decimal factor) => factor.ToString("0.##", Invariant) + "×";

    public static string Window(SloWindowView window) => window.Kind == "calendar"
        ? $"calendar month ({window.TimeZone ?? "UTC"})"
        : $"{window.Days ?? 28}d rolling";

    public static string Indicator(string indicator, decimal? thresholdSeconds) => indicator switch
    {
        SliKinds.Latency => $"latency ≤ {Seconds(thresholdSeconds ?? 0)}",
        SliKinds.Ratio => "good events (ratio of two metrics)",
        _ => "availability (no 5xx)",
    };

    public static string Seconds(decimal seconds) => seconds < 1
        ? (seconds * 1000).ToString("0.#", Invariant) + " ms"
        : seconds.ToString("0.###", Invariant) + " s";

    public static string Count(long value) => value.ToString("N0", Invariant);

    public static string Events(decimal value) => value.ToString("#,0.#", Invariant);

    /// <summary>How long until the budget is gone at the last hour's pace.</summary>
    public static string Exhaustion(double? hours) => hours switch
    {
        null => "not burning",
        <= 0 => "exhausted",
        < 1 => $"{Math.Max(1, Math.Round(hours.Value * 60)):0} min",
        < 72 => hours.Value.ToString("0.#", Invariant) + " h",
        _ => (hours.Value / 24).ToString("0.#", Invariant) + " days",
    };

    public static Color StatusColor(string status) => status switch
    {
        "ok" => Color.Success,
        "warning" => Color.Warning,
        "breached" => Color.Error,
        _ => Color.Default,
    };

    public static string StatusLabel(string status) => status switch
    {
        "ok" => "OK",
        "warning" => "Warning",
        "breached" => "Breached",
        "no-data" => "No data",
        _ => status,
    };

    /// <summary>The colour of a remaining-budget bar: green while most is left, amber under 25 %, red when spent.</summary>
    public static Color BudgetColor(decimal? remaining) => remaining switch
    {
        null => Color.Default,
        <= 0 => Color.Error,
        < 0.25m => Color.Warning,
        _ => Color.Success,
    };

    /// <summary>The bar's value, 0-100.</summary>
    public static double BudgetBar(decimal? remaining) => remaining is { } r ? (double)Math.Clamp(r * 100, 0, 100) : 0;

    public static string Name(SloView view) => string.IsNullOrWhiteSpace(view.DisplayName) ? view.Name : view.DisplayName;

    public static string ComponentName(string componentRef) => EntityRef.Parse(componentRef).ToDisplayString();

    public static string ComponentPath(string componentRef) => EntityRef.Parse(componentRef).PagePath;

    /// <summary>The SLOs tab of the component's catalog page.</summary>
    public static string ComponentSlosPath(string componentRef) => ComponentPath(componentRef) + "?tab=slos";

    public static string OwnerName(string? ownerRef) => ownerRef is null ? "no owner" : EntityRef.Parse(ownerRef, defaultKind: "group").ToDisplayString();

    public static string Ago(DateTimeOffset at, DateTimeOffset now)
    {
        var age = now - at;
        return age.TotalMinutes < 1 ? "just now"
            : age.TotalHours < 1 ? $"{age.TotalMinutes:0} min ago"
            : age.TotalDays < 1 ? $"{age.TotalHours:0} h ago"
            : $"{age.TotalDays:0} days ago";
    }

    /// <summary>Attribute filters as the editor shows them: "name=value, name=value".</summary>
    public static string Attributes(IReadOnlyDictionary<string, string>? attributes) =>
        attributes is null ? "" : string.Join(", ", attributes.Select(a => $"{a.Key}={a.Value}"));

    /// <summary>"name=value, name=*" into filters; a part without '=' becomes a filter with an empty name, which validation names.</summary>
    public static Dictionary<string, string>? ParseAttributes(string? text)
    {
        var parts = (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0)
        {
            return null;
        }
        var filters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in parts)
        {
            var at = part.IndexOf('=', StringComparison.Ordinal);
            filters[at < 0 ? "" : part[..at].Trim()] = at < 0 ? part : part[(at + 1)..].Trim();
        }
        return filters;
    }

    /// <summary>Rules as the editor shows them: "page 1h 5m 2" (severity, long and short window, budget share in %) per line.</summary>
    public static string Rules(IEnumerable<BurnRateRule> rules) => string.Join("\n", rules.Select(r =>
        string.Create(CultureInfo.InvariantCulture, $"{r.Severity} {SloMath.Name(r.LongWindow)} {SloMath.Name(r.ShortWindow)} {r.BudgetShare * 100:0.###}")));

    /// <summary>The editor's rule lines as requests; a line that does not read gets empty fields, which validation explains.</summary>
    public static List<AlertRuleRequest> ParseRules(string? text) => (text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        .Select(p => new AlertRuleRequest(p.ElementAtOrDefault(0), p.ElementAtOrDefault(1), p.ElementAtOrDefault(2),
            p.Length == 4 && decimal.TryParse(p[3].TrimEnd('%'), NumberStyles.Float, CultureInfo.InvariantCulture, out var percent) ? percent / 100 : null))
        .ToList();
}
