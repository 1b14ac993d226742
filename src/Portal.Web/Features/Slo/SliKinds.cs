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
