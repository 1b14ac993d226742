using System.Globalization;
using System.Text.RegularExpressions;

namespace Portal.Web.Features.Slo;

/// <summary>Checks an SLO as the API and the editor receive it; each problem keyed by its field.</summary>
public static partial class SloValidation
{
    public static Dictionary<string, string[]> Validate(SloRequest request)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 63 || !DnsLabel().IsMatch(request.Name))
        {
            errors["name"] = ["The name must be a DNS label: lower-case letters, digits and '-', at most 63 characters."];
        }
        if (string.IsNullOrWhiteSpace(request.Component))
        {
            errors["component"] = ["The component is required (e.g. component:default/cart-service)."];
        }
        if (request.Indicator is not (SliKinds.Availability or SliKinds.Latency or SliKinds.Ratio))
        {
            errors["indicator"] = ["The indicator must be availability, latency or ratio."];
        }
        else if (request.Indicator == SliKinds.Latency && request.ThresholdSeconds is not > 0)
        {
            errors["thresholdSeconds"] = ["A latency SLO needs a threshold in seconds greater than 0, e.g. 0.3."];
        }
        else if (request.Indicator == SliKinds.Ratio && RatioProblem(request.Ratio) is { } problem)
        {
            errors["ratio"] = [problem];
        }
        if (request.Target is not (> 0 and < 1))
        {
            errors["target"] = ["The target is a fraction between 0 and 1, e.g. 0.999 for 99.9 %."];
        }
        var kind = request.Window?.Kind ?? "rolling";
        if (kind == "rolling" && (request.Window?.Days ?? 28) is not (7 or 28 or 30))
        {
            errors["window"] = ["A rolling window is 7, 28 or 30 days."];
        }
        else if (kind == "calendar" && !KnownZone(request.Window?.TimeZone ?? "UTC"))
        {
            errors["window"] = [$"Unknown time zone '{request.Window?.TimeZone}'; use an IANA name such as Europe/Berlin."];
        }
        else if (kind is not ("rolling" or "calendar"))
        {
            errors["window"] = ["The window kind is rolling or calendar (month)."];
        }
        if ((request.BudgetingMethod ?? "Occurrences") is not ("Occurrences" or "Timeslices"))
        {
            errors["budgetingMethod"] = ["The budgeting method is Occurrences or Timeslices."];
        }
        else if (request.BudgetingMethod == "Timeslices" && request.TimesliceTarget is not (> 0 and <= 1))
        {
            errors["timesliceTarget"] = ["Timeslices need a timesliceTarget between 0 and 1: the ratio a minute must reach to count as good."];
        }
        if (request.AlertPolicy is { } policy && PolicyProblem(policy) is { } policyProblem)
        {
            errors["alertPolicy"] = [policyProblem];
        }
        if (request.MinEvents is < 0 or > 1_000_000_000)
        {
            errors["minEvents"] = ["minEvents is between 0 and 1,000,000,000."];
        }
        if (request.NoDataMinutes is < 5 or > 1440)
        {
            errors["noDataMinutes"] = ["noDataMinutes is between 5 and 1,440 (a day), or null for no no-data alert."];
        }
        return errors;
    }

    public static void Apply(SloRequest request, SloDefinition slo, string componentRef)
    {
        slo.Name = request.Name!.Trim();
        slo.DisplayName = string.IsNullOrWhiteSpace(request.DisplayName) ? null : request.DisplayName.Trim();
        slo.ComponentRef = componentRef;
        slo.Indicator = request.Indicator!;
        slo.ThresholdSeconds = request.Indicator == SliKinds.Latency ? request.ThresholdSeconds : null;
        slo.Ratio = request.Indicator == SliKinds.Ratio ? Trimmed(request.Ratio!) : null;
        slo.Target = request.Target!.Value;
        slo.WindowKind = request.Window?.Kind ?? "rolling";
        slo.WindowDays = request.Window?.Days ?? 28;
        slo.TimeZone = request.Window?.TimeZone ?? "UTC";
        slo.BudgetingMethod = request.BudgetingMethod ?? "Occurrences";
        slo.TimesliceTarget = slo.BudgetingMethod == "Timeslices" ? request.TimesliceTarget : null;
        slo.MinEvents = request.MinEvents ?? 0;
        slo.NoDataMinutes = request.NoDataMinutes;
        slo.AlertRules = request.AlertPolicy is { Count: > 0 } policy
            ? policy.Select(r => new BurnRateRule(r.Severity!, Duration(r.LongWindow)!.Value, Duration(r.ShortWindow)!.Value, r.BudgetShare!.Value)).ToList()
            : null;
    }

    /// <summary>A rule's window: "30m", "6h", "3d" (minutes, hours, days); null when it is not one.</summary>
    public static TimeSpan? Duration(string? text)
    {
        var match = text is null ? null : DurationText().Match(text.Trim());
        if (match is not { Success: true } || !int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0)
        {
            return null;
        }
        return match.Groups[2].Value switch { "m" => TimeSpan.FromMinutes(n), "h" => TimeSpan.FromHours(n), _ => TimeSpan.FromDays(n) };
    }

    /// <summary>A rule as the API shows it (the inverse of <see cref="Apply"/>'s parsing).</summary>
    public static AlertRuleRequest ToRequest(BurnRateRule rule) => new(rule.Severity, SloMath.Name(rule.LongWindow), SloMath.Name(rule.ShortWindow), rule.BudgetShare);

    private static string? PolicyProblem(IReadOnlyList<AlertRuleRequest> policy)
    {
        if (policy.Count > 8)
        {
            return "An alert policy has at most 8 rules.";
        }
        foreach (var (rule, i) in policy.Select((r, i) => (r, i + 1)))
        {
            if (rule.Severity is not ("page" or "ticket"))
            {
                return $"Rule {i}: severity is page or ticket.";
            }
            var longWindow = Duration(rule.LongWindow);
            var shortWindow = Duration(rule.ShortWindow);
            if (longWindow is null || shortWindow is null || longWindow > TimeSpan.FromDays(7) || shortWindow >= longWindow)
            {
                return $"Rule {i}: longWindow and shortWindow are durations such as 1h and 5m (minutes m, hours h, days d), the short one shorter, the long one at most 7d.";
            }
            if (rule.BudgetShare is not (> 0 and <= 1))
            {
                return $"Rule {i}: budgetShare is the part of the error budget the rule guards, between 0 and 1 (0.02 = 2 % in the long window).";
            }
        }
        return policy.GroupBy(r => (r.Severity, Duration(r.LongWindow), Duration(r.ShortWindow))).Any(g => g.Count() > 1)
            ? "Two rules have the same severity and windows."
            : null;
    }

    private static RatioIndicator Trimmed(RatioIndicator ratio) => new(ratio.Counts,
        new MetricSelector(ratio.Events.Metric.Trim(), ratio.Events.Attributes is { Count: > 0 } e ? new(e, StringComparer.Ordinal) : null),
        new MetricSelector(ratio.Total.Metric.Trim(), ratio.Total.Attributes is { Count: > 0 } t ? new(t, StringComparer.Ordinal) : null));

    private static string? RatioProblem(RatioIndicator? ratio)
    {
        if (ratio is null)
        {
            return "A ratio SLO needs ratio.events and ratio.total, each naming a metric (a counter or histogram) and optional attribute filters.";
        }
        if (ratio.Counts is not ("good" or "bad"))
        {
            return "ratio.counts is good (events are good events) or bad (events are bad events).";
        }
        foreach (var (field, selector) in new[] { ("events", ratio.Events), ("total", ratio.Total) })
        {
            if (selector is null || string.IsNullOrWhiteSpace(selector.Metric) || selector.Metric.Length > 255)
            {
                return $"ratio.{field}.metric is required: the name of a counter or histogram the service sends (at most 255 characters).";
            }
            if (selector.Attributes is { Count: > 20 } || selector.Attributes?.Any(a => string.IsNullOrWhiteSpace(a.Key) || a.Key.Length > 255 || a.Value is null || a.Value.Length > 255) == true)
            {
                return $"ratio.{field}.attributes holds at most 20 filters, each an attribute name and a value (\"*\" for any) of at most 255 characters.";
            }
        }
        return null;
    }

    private static bool KnownZone(string zone)
    {
        try
        {
            _ = TimeZoneInfo.FindSystemTimeZoneById(zone);
            return true;
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return false;
        }
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex DnsLabel();

    [GeneratedRegex("^([0-9]{1,5})([mhd])$")]
    private static partial Regex DurationText();
}
