namespace Portal.Web.Features.Slo;

/// <summary>Good and total events of one minute.</summary>
public readonly record struct MinuteCounts(DateTimeOffset Minute, long Good, long Total)
{
    public long Bad => Total - Good;
}
