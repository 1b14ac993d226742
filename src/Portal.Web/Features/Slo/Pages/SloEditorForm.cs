using System.Globalization;
using Portal.Web.Features.Catalog;

namespace Portal.Web.Features.Slo.Pages;

/// <summary>
/// The SLO editor's fields as the person types them (percentages where the API takes fractions, a window choice, rules
/// as text), their checks worded for those inputs, and the conversion to and from the API's <see cref="SloRequest"/>
/// and a saved <see cref="SloDefinition"/>. Plain, so it is tested without a browser.
/// </summary>
public sealed class SloEditorForm
{
    public const string DefaultRules = "page 1h 5m 2\npage 6h 30m 5\nticket 1d 2h 10\nticket 3d 6h 10";

    public string? Component { get; set; }
    public string? Name { get; set; }
    public string? DisplayName { get; set; }
    public string Indicator { get; set; } = SliKinds.Availability;
    public decimal? ThresholdSeconds { get; set; } = 0.3m;
    public decimal? TargetPercent { get; set; } = 99.9m;

    /// <summary><c>rolling:N</c> (N days) or <c>calendar</c>.</summary>
    public string WindowChoice { get; set; } = "rolling:28";
    public string TimeZone { get; set; } = "UTC";
    public string BudgetingMethod { get; set; } = "Occurrences";
    public decimal? SlicePercent { get; set; } = 95m;
    public long? MinEvents { get; set; } = 0;

    /// <summary>Minutes without events before a no-data ticket; null: off.</summary>
    public int? NoDataMinutes { get; set; }
    public string RatioCounts { get; set; } = "good";
    public string? EventsMetric { get; set; }
    public string? EventsAttributes { get; set; }
    public string? TotalMetric { get; set; }
    public string? TotalAttributes { get; set; }
    public bool CustomRules { get; set; }
    public string? RulesText { get; set; } = DefaultRules;

    // The name last suggested: replaced by the next suggestion until the person types their own.
    private string? _suggested;

    /// <summary>A component and a name: what saving needs before the checks.</summary>
    public bool Complete => Component is not null && !string.IsNullOrWhiteSpace(Name);

    public string TargetHelp => TargetPercent is > 0 and < 100
        ? $"Allows {(100 - TargetPercent.Value).ToString("0.####", CultureInfo.InvariantCulture)} % of requests to fail, e.g. 99.9."
        : "The share of good requests, e.g. 99.9.";

    /// <summary>The form of a saved SLO.</summary>
    public static SloEditorForm From(SloDefinition slo)
    {
        var form = new SloEditorForm
        {
            Component = slo.ComponentRef,
            Name = slo.Name,
            DisplayName = slo.DisplayName,
            Indicator = slo.Indicator,
            ThresholdSeconds = Trim(slo.ThresholdSeconds ?? 0.3m),
            TargetPercent = Trim(slo.Target * 100),
            WindowChoice = slo.WindowKind == "calendar" ? "calendar" : $"rolling:{slo.WindowDays}",
            TimeZone = slo.TimeZone,
            BudgetingMethod = slo.BudgetingMethod,
            SlicePercent = Trim((slo.TimesliceTarget ?? 0.95m) * 100),
            MinEvents = slo.MinEvents,
            NoDataMinutes = slo.NoDataMinutes,
            CustomRules = slo.AlertRules is { Count: > 0 },
        };
        if (slo.Ratio is { } ratio)
        {
            form.RatioCounts = ratio.Counts;
            (form.EventsMetric, form.EventsAttributes) = (ratio.Events.Metric, SloFormat.Attributes(ratio.Events.Attributes));
            (form.TotalMetric, form.TotalAttributes) = (ratio.Total.Metric, SloFormat.Attributes(ratio.Total.Attributes));
        }
        if (form.CustomRules)
        {
            form.RulesText = SloFormat.Rules(slo.AlertRules!);
        }
        return form;
    }

    /// <summary>Drops the trailing zeros the database's scale adds (0.9990000000 × 100 shows as 99.9).</summary>
    private static decimal Trim(decimal value) => value / 1.0000000000000000000000000000m;

    /// <summary>The API request these fields make (<paramref name="nameOverride"/>: e.g. the preview's placeholder name).</summary>
    public SloRequest ToRequest(string? nameOverride = null) => new(
        nameOverride ?? Name,
        string.IsNullOrWhiteSpace(DisplayName) ? null : DisplayName.Trim(),
        Component,
        Indicator,
        Indicator == SliKinds.Latency ? ThresholdSeconds : null,
        TargetPercent / 100,
        WindowChoice == "calendar"
            ? new SloWindowRequest("calendar", null, TimeZone)
            : new SloWindowRequest("rolling", int.Parse(WindowChoice["rolling:".Length..], CultureInfo.InvariantCulture), null),
        BudgetingMethod,
        BudgetingMethod == "Timeslices" ? SlicePercent / 100 : null,
        MinEvents ?? 0,
        Indicator == SliKinds.Ratio
            ? new RatioIndicator(RatioCounts, new MetricSelector(EventsMetric ?? "", SloFormat.ParseAttributes(EventsAttributes)),
                new MetricSelector(TotalMetric ?? "", SloFormat.ParseAttributes(TotalAttributes)))
            : null,
        CustomRules ? SloFormat.ParseRules(RulesText) : null,
        NoDataMinutes);

    /// <summary>A name from the component and indicator while the person has not typed one (new SLOs only).</summary>
    public void SuggestName(bool isNew)
    {
        if (isNew && Component is not null && (string.IsNullOrWhiteSpace(Name) || _suggested == Name))
        {
            var baseName = EntityRef.Parse(Component).Name.ToLowerInvariant();
            Name = _suggested = $"{baseName}-{Indicator}".Length <= 63 ? $"{baseName}-{Indicator}" : Indicator;
        }
    }

    /// <summary>
    /// The checks that need no database: <see cref="SloValidation"/>, worded for the percent inputs. An untouched name
    /// (new SLO) or no component yet is not an error: the save button stays disabled until they are there.
    /// </summary>
    public Dictionary<string, string> Validate(bool isNew)
    {
        var found = Worded(SloValidation.Validate(ToRequest()));
        if (Name is null && isNew)
        {
            found.Remove("name");
        }
        if (Component is null)
        {
            found.Remove("component");
        }
        return found;
    }

    /// <summary>The API's messages per field, worded for this form.</summary>
    public static Dictionary<string, string> Worded(IReadOnlyDictionary<string, string[]> errors) =>
        errors.ToDictionary(e => e.Key, e => Friendly(e.Key, string.Join(" ", e.Value)), StringComparer.Ordinal);

    /// <summary>
    /// A number field's own check (MudNumericField validates itself, so its error comes through its Validation function):
    /// the same SloValidation rule, on the value being typed.
    /// </summary>
    public static string? FieldError(string field, SloRequest request) =>
        SloValidation.Validate(request).TryGetValue(field, out var messages) ? Friendly(field, string.Join(" ", messages)) : null;

    /// <summary>The editor asks for percentages where the API takes fractions; its messages say so.</summary>
    private static string Friendly(string field, string message) => field switch
    {
        "target" => "The objective is a percentage above 0 and below 100, e.g. 99.9.",
        "timesliceTarget" => "A percentage above 0 and at most 100, e.g. 95: the share of good requests that makes a minute good.",
        "noDataMinutes" => "Between 5 and 1,440 minutes, or empty for no no-data ticket.",
        _ => message,
    };
}
