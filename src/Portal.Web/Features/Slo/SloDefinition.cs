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
}

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

    /// <summary>The objective as a fraction, e.g. 0.999.</summary>
    public decimal Target { get; set; }

    /// <summary>"rolling" (WindowDays) or "calendar" (the calendar month in <see cref="TimeZone"/>).</summary>
    public string WindowKind { get; set; } = "rolling";
    public int WindowDays { get; set; } = 28;
    public string TimeZone { get; set; } = "UTC";

    /// <summary>"Occurrences" or "Timeslices" (one-minute slices, each good when its ratio meets <see cref="TimesliceTarget"/>).</summary>
    public string BudgetingMethod { get; set; } = "Occurrences";
    public decimal? TimesliceTarget { get; set; }

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
    SloWindowRequest? Window, string? BudgetingMethod, decimal? TimesliceTarget, long? MinEvents);

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
        if (request.Indicator is not (SliKinds.Availability or SliKinds.Latency))
        {
            errors["indicator"] = ["The indicator must be availability or latency."];
        }
        else if (request.Indicator == SliKinds.Latency && request.ThresholdSeconds is not > 0)
        {
            errors["thresholdSeconds"] = ["A latency SLO needs a threshold in seconds greater than 0, e.g. 0.3."];
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
        slo.Target = request.Target!.Value;
        slo.WindowKind = request.Window?.Kind ?? "rolling";
        slo.WindowDays = request.Window?.Days ?? 28;
        slo.TimeZone = request.Window?.TimeZone ?? "UTC";
        slo.BudgetingMethod = request.BudgetingMethod ?? "Occurrences";
        slo.TimesliceTarget = slo.BudgetingMethod == "Timeslices" ? request.TimesliceTarget : null;
        slo.MinEvents = request.MinEvents ?? 0;
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
}

/// <summary>Good and total events per minute from the component's RED rows, for one SLO's indicator.</summary>
public static class SliMinutes
{
    /// <summary>The minutes' counts; <c>Estimated</c> when a latency threshold fell inside a bucket and was interpolated.</summary>
    public static (List<MinuteCounts> Minutes, bool Estimated) From(SloDefinition slo, IEnumerable<ServiceMinute> rows)
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
        if (slo.BudgetingMethod == "Timeslices")
        {
            var sliceTarget = slo.TimesliceTarget ?? slo.Target;
            minutes = minutes.Where(m => m.Total > 0)
                .Select(m => new MinuteCounts(m.Minute, (decimal)m.Good / m.Total >= sliceTarget ? 1 : 0, 1)).ToList();
        }
        return (minutes, estimated);
    }

    /// <summary>Requests at or under the threshold; inside a bucket the count is interpolated linearly (an estimate).</summary>
    public static (long Count, bool Interpolated) AtOrBelow(IReadOnlyDictionary<string, long> buckets, double threshold)
    {
        var ordered = buckets.Select(b => (Upper: b.Key == "+Inf" ? double.PositiveInfinity : double.Parse(b.Key, CultureInfo.InvariantCulture), b.Value))
            .OrderBy(b => b.Upper).ToList();
        double count = 0;
        var lower = 0.0;
        var interpolated = false;
        foreach (var (upper, value) in ordered)
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
                break;
            }
            lower = upper;
        }
        return ((long)Math.Floor(count), interpolated);
    }
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
    }
}
