using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Web.Data;

namespace Portal.Web.Features.Slo;

public static class SliKinds
{
    /// <summary>Good = requests that were not server errors (http.server.request.duration).</summary>
    public const string Availability = "availability";

    /// <summary>Good = requests at or under a duration threshold (from the histogram's buckets).</summary>
    public const string Latency = "latency";

    /// <summary>Good (or bad) events over total events, each from a counter or histogram with attribute filters.</summary>
    public const string Ratio = "ratio";
}

/// <summary>
/// Points of one metric of the SLO's service whose attributes match: each filter names an attribute and the value it
/// must have ("*": any value, present), compared as text.
/// </summary>
public sealed record MetricSelector(string Metric, Dictionary<string, string>? Attributes = null)
{
    public bool Matches(MetricSample sample) => sample.Metric == Metric && (Attributes is null || Attributes.All(f =>
        sample.Attributes is not null && sample.Attributes.TryGetValue(f.Key, out var value) && (f.Value == "*" || value == f.Value)));
}

/// <summary>A ratio SLI: <see cref="Events"/> counts good events (<see cref="Counts"/> "good") or bad ones ("bad"), out of <see cref="Total"/>.</summary>
public sealed record RatioIndicator(string Counts, MetricSelector Events, MetricSelector Total);

/// <summary>An SLO on a catalog component's HTTP traffic.</summary>
public sealed class SloDefinition
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    /// <summary>A DNS label, unique per component (OpenSLO metadata.name).</summary>
    public required string Name { get; set; }
    public string? DisplayName { get; set; }
    public required string ComponentRef { get; set; }
    public required string Indicator { get; set; }
    public decimal? ThresholdSeconds { get; set; }

    /// <summary>The metrics of a <see cref="SliKinds.Ratio"/> SLI (null for the other kinds).</summary>
    public RatioIndicator? Ratio { get; set; }

    /// <summary>The objective as a fraction, e.g. 0.999.</summary>
    public decimal Target { get; set; }

    /// <summary>"rolling" (WindowDays) or "calendar" (the calendar month in <see cref="TimeZone"/>).</summary>
    public string WindowKind { get; set; } = "rolling";
    public int WindowDays { get; set; } = 28;
    public string TimeZone { get; set; } = "UTC";

    /// <summary>"Occurrences" or "Timeslices" (one-minute slices, each good when its ratio meets <see cref="TimesliceTarget"/>).</summary>
    public string BudgetingMethod { get; set; } = "Occurrences";
    public decimal? TimesliceTarget { get; set; }

    /// <summary>This SLO's multi-window burn-rate rules; null: the SRE Workbook's default policy (<see cref="SloMath.DefaultRules"/>).</summary>
    public List<BurnRateRule>? AlertRules { get; set; }

    /// <summary>The rules alerts are evaluated by.</summary>
    public IReadOnlyList<BurnRateRule> Rules => AlertRules is { Count: > 0 } rules ? rules : SloMath.DefaultRules;

    /// <summary>Burn-rate alerts stay quiet while the long window has fewer events than this (low traffic).</summary>
    public long MinEvents { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>The window the SLO is judged over, ending at <paramref name="at"/>: its start and its length (the period).</summary>
    public (DateTimeOffset Start, TimeSpan Period) WindowAt(DateTimeOffset at)
    {
        var end = SloMath.MinuteOf(at);
        if (WindowKind != "calendar")
        {
            var period = TimeSpan.FromDays(WindowDays);
            return (end - period + TimeSpan.FromMinutes(1), period);
        }
        var zone = TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
        var local = TimeZoneInfo.ConvertTime(end, zone);
        var monthStart = new DateTime(local.Year, local.Month, 1, 0, 0, 0, DateTimeKind.Unspecified);
        var start = new DateTimeOffset(monthStart, zone.GetUtcOffset(monthStart)).ToUniversalTime();
        var nextMonth = monthStart.AddMonths(1);
        var next = new DateTimeOffset(nextMonth, zone.GetUtcOffset(nextMonth)).ToUniversalTime();
        return (start, next - start);
    }
}

public sealed record SloWindowRequest(string? Kind, int? Days, string? TimeZone);

public sealed record SloRequest(string? Name, string? DisplayName, string? Component, string? Indicator, decimal? ThresholdSeconds, decimal? Target,
    SloWindowRequest? Window, string? BudgetingMethod, decimal? TimesliceTarget, long? MinEvents, RatioIndicator? Ratio = null,
    IReadOnlyList<AlertRuleRequest>? AlertPolicy = null);

/// <summary>One burn-rate rule as the API takes it: windows as durations ("5m", "1h", "3d"), the budget share it guards (0.02 = 2 %).</summary>
public sealed record AlertRuleRequest(string? Severity, string? LongWindow, string? ShortWindow, decimal? BudgetShare);

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

/// <summary>How an SLO's indicator counts events: from one exported point's increase, and from the component's RED rows.</summary>
public static class SliMinutes
{
    /// <summary>The good and total events an increase of one point adds to the SLO; null when the point is not the SLO's.</summary>
    public static (long Good, long Total)? Count(SloDefinition slo, MetricSample sample, HistogramDelta delta)
    {
        switch (slo.Indicator)
        {
            case SliKinds.Availability when sample.Metric == OtlpReader.HttpServerDuration:
                return (sample.IsServerError ? 0 : delta.Count, delta.Count);
            case SliKinds.Latency when sample.Metric == OtlpReader.HttpServerDuration:
                return (AtOrBelow(delta.Bounds, delta.BucketCounts, (double)slo.ThresholdSeconds!.Value).Count, delta.Count);
            case SliKinds.Ratio when slo.Ratio is { } ratio:
                var events = ratio.Events.Matches(sample) ? delta.Count : 0;
                var total = ratio.Total.Matches(sample) ? delta.Count : 0;
                if (events == 0 && total == 0)
                {
                    return null;
                }
                return (ratio.Counts == "good" ? events : total - events, total);
            default:
                return null;
        }
    }

    /// <summary>The SLO's events per minute from RED rows (availability and latency only): raw counts, and whether a latency threshold was interpolated.</summary>
    public static (List<MinuteCounts> Minutes, bool Estimated) Events(SloDefinition slo, IEnumerable<ServiceMinute> rows)
    {
        var estimated = false;
        var minutes = new List<MinuteCounts>();
        foreach (var row in rows)
        {
            long good;
            if (slo.Indicator == SliKinds.Latency)
            {
                var (count, interpolated) = AtOrBelow(row.LatencyBuckets, (double)slo.ThresholdSeconds!.Value);
                good = count;
                estimated |= interpolated;
            }
            else
            {
                good = row.Requests - row.Errors;
            }
            minutes.Add(new MinuteCounts(row.Minute, good, row.Requests));
        }
        return (minutes, estimated);
    }

    /// <summary>Good and total per minute as the SLO is judged: events, or one-minute timeslices (1 of 1 when the minute met the slice target).</summary>
    public static (List<MinuteCounts> Minutes, bool Estimated) From(SloDefinition slo, IEnumerable<ServiceMinute> rows)
    {
        var (minutes, estimated) = Events(slo, rows);
        if (slo.BudgetingMethod == "Timeslices")
        {
            var sliceTarget = slo.TimesliceTarget ?? slo.Target;
            minutes = minutes.Where(m => m.Total > 0)
                .Select(m => new MinuteCounts(m.Minute, SloCountStore.GoodSlice(m.Good, m.Total, sliceTarget) ? 1 : 0, 1)).ToList();
        }
        return (minutes, estimated);
    }

    /// <summary>Requests at or under the threshold; inside a bucket the count is interpolated linearly (an estimate).</summary>
    public static (long Count, bool Interpolated) AtOrBelow(IReadOnlyDictionary<string, long> buckets, double threshold) =>
        AtOrBelow(buckets.Select(b => (b.Key == "+Inf" ? double.PositiveInfinity : double.Parse(b.Key, CultureInfo.InvariantCulture), b.Value)), threshold);

    /// <summary>
    /// Requests at or under the threshold from (upper bound, count) buckets; inside a bucket the count is interpolated
    /// linearly, and a threshold above the last finite bound cannot split the overflow bucket: both are estimates.
    /// </summary>
    public static (long Count, bool Interpolated) AtOrBelow(IEnumerable<(double Upper, long Count)> buckets, double threshold) =>
        AtOrBelow(buckets.OrderBy(b => b.Upper).ToArray(), threshold);

    /// <summary>
    /// <see cref="AtOrBelow(IEnumerable{ValueTuple{double, long}}, double)"/> for one point's buckets: its bounds strictly
    /// increase (the reader checks), so they need no sorting; the counts past the bounds are the overflow bucket.
    /// </summary>
    public static (long Count, bool Interpolated) AtOrBelow(double[] bounds, long[] counts, double threshold)
    {
        var buckets = new (double Upper, long Count)[counts.Length];
        for (var i = 0; i < counts.Length; i++)
        {
            buckets[i] = (i < bounds.Length ? bounds[i] : double.PositiveInfinity, counts[i]);
        }
        return AtOrBelow(buckets, threshold);
    }

    private static (long Count, bool Interpolated) AtOrBelow(ReadOnlySpan<(double Upper, long Count)> sorted, double threshold)
    {
        double count = 0;
        var lower = 0.0;
        var interpolated = false;
        foreach (var (upper, value) in sorted)
        {
            if (upper <= threshold)
            {
                count += value;
            }
            else
            {
                if (threshold > lower && !double.IsInfinity(upper))
                {
                    count += value * (threshold - lower) / (upper - lower);
                    interpolated = true;
                }
                else if (double.IsInfinity(upper) && threshold > lower && value > 0)
                {
                    interpolated = true;
                }
                break;
            }
            lower = upper;
        }
        return ((long)Math.Floor(count), interpolated);
    }

    /// <summary>The SLO's sliceTarget: its timeslice target, or its objective.</summary>
    public static decimal SliceTarget(SloDefinition slo) => slo.TimesliceTarget ?? slo.Target;
}

internal sealed class SloDefinitionConfiguration : IEntityTypeConfiguration<SloDefinition>
{
    public void Configure(EntityTypeBuilder<SloDefinition> builder)
    {
        builder.ToTable("slo_definitions");
        builder.HasKey(s => s.Id);
        builder.HasIndex(s => new { s.ComponentRef, s.Name }).IsUnique();
        builder.Property(s => s.Name).HasMaxLength(63);
        builder.Property(s => s.ComponentRef).HasMaxLength(400);
        builder.Property(s => s.Target).HasPrecision(12, 10);
        builder.Property(s => s.TimesliceTarget).HasPrecision(12, 10);
        builder.Property(s => s.ThresholdSeconds).HasPrecision(18, 6);
        builder.Property(s => s.Ratio).HasOptionalJsonConversion();
        builder.Property(s => s.AlertRules).HasOptionalJsonConversion();
        builder.Ignore(s => s.Rules);
    }
}
