using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml;

namespace Portal.Web.Features.Environments;

/// <summary>Durations as people type them ("3d", "12h", "90m", "2w") or ISO 8601 ("P3D", "PT12H").</summary>
public static partial class Ttl
{
    public static bool TryParse(string? text, out TimeSpan ttl)
    {
        ttl = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        text = text.Trim();
        if (text.StartsWith('P') || text.StartsWith('p'))
        {
            try
            {
                ttl = XmlConvert.ToTimeSpan(text.ToUpperInvariant());
                return ttl > TimeSpan.Zero;
            }
            catch (FormatException)
            {
                return false;
            }
        }
        var match = ShortForm().Match(text);
        if (!match.Success || !int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0 || n > 100_000)
        {
            return false;
        }
        ttl = match.Groups[2].Value.ToLowerInvariant() switch
        {
            "m" => TimeSpan.FromMinutes(n),
            "h" => TimeSpan.FromHours(n),
            "d" => TimeSpan.FromDays(n),
            _ => TimeSpan.FromDays(7 * n),
        };
        return true;
    }

    /// <summary>The short form of a duration, for messages ("3d", "36h").</summary>
    public static string Format(TimeSpan ttl) =>
        ttl.TotalDays >= 1 && ttl.TotalDays == Math.Floor(ttl.TotalDays) ? $"{ttl.TotalDays:0}d"
        : ttl.TotalHours == Math.Floor(ttl.TotalHours) ? $"{ttl.TotalHours:0}h" : $"{ttl.TotalMinutes:0}m";

    [GeneratedRegex("^([0-9]+)\\s*([mhdwMHDW])$")]
    private static partial Regex ShortForm();

    /// <summary>What is left until <paramref name="expiresAt"/>, as people say it: "in 2.5 days", "in 5 hours", "due now".</summary>
    public static string Remaining(DateTimeOffset expiresAt, DateTimeOffset now)
    {
        var left = expiresAt - now;
        return left <= TimeSpan.Zero ? "due now"
            : left.TotalDays >= 1 ? string.Create(CultureInfo.InvariantCulture, $"in {left.TotalDays:0.#} days")
            : left.TotalHours >= 1 ? string.Create(CultureInfo.InvariantCulture, $"in {left.TotalHours:0.#} hours")
            : Math.Max(1, (int)Math.Ceiling(left.TotalMinutes)) is var m && m == 1 ? "in 1 minute"
            : string.Create(CultureInfo.InvariantCulture, $"in {m} minutes");
    }
}
