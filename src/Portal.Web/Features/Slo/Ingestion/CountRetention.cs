namespace Portal.Web.Features.Slo.Ingestion;

/// <summary>How far back each resolution is kept; a window reaching further starts at the next whole hour (or day).</summary>
public sealed record CountRetention(TimeSpan Minutes, TimeSpan Hours)
{
    /// <summary>Minutes cover the longest burn window (3 d) with a margin; hours the longest period (a 31-day month).</summary>
    public static readonly CountRetention Default = new(TimeSpan.FromDays(4), TimeSpan.FromDays(35));
}
